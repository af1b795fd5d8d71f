//! Programme page data: one query for everything the page shows (the programme,
//! its overview with indicator progress, and its support figures by type), and
//! the charts drawn at build time.
import { graphql, readFragment, type ResultOf } from '$lib/graphql';
import { query } from '$lib/api/client';
import { AreaFields, IndicatorProgressFields, ParticipantFields } from '$lib/api/fragments';
import { loadWith } from '$lib/api/page-data';
import { prerenderCharts } from '$lib/charts/prerender';
import { apiLang, type Lang } from '$lib/i18n';
import { inPortal } from '$lib/portal';
import { indicatorCharts } from './charts';
import { prerenderShapes } from '$lib/map/boundaries';
import type { PageLoad } from './$types';

export const _ProgrammeQuery = graphql(
	`
		query Programme($slug: String!, $lang: Lang!) {
			project(slug: $slug) {
				id
				slug
				iatiIdentifier
				title(lang: $lang)
				titleLanguage(lang: $lang)
				summary(lang: $lang)
				citations {
					passage
					lang
					source {
						id
						title(lang: $lang)
						publisher
						publishedOn
						url
					}
				}
				status
				sensitivity
				plannedStart
				plannedEnd
				actualStart
				actualEnd
				budget {
					amount
					currency
				}
				finances {
					periodStart
					periodEnd
					budget {
						amount
						currency
					}
					spent {
						amount
						currency
					}
				}
				updates(first: 10) { totalCount nodes {
					id
					postedOn
					text(lang: $lang)
					textLanguage(lang: $lang)
					attachments {
						kind
						fileName
						width
						height
						path
					}
				} }
				participants {
					...ParticipantFields
					note(lang: $lang)
				}
				areas {
					...AreaFields
				}
				plans {
					plan {
						id
						title(lang: $lang)
						startYear
						endYear
					}
					goal {
						number
						title(lang: $lang)
					}
				}
				teams {
					id
					kind
					name(lang: $lang)
					status
					functions(lang: $lang)
					roles {
						role(lang: $lang)
						count
					}
				}
				centres(orderBy: [{ field: NAME }], first: 100) { totalCount nodes {
					id
					kind
					name(lang: $lang)
					status
					openedOn
					sensitiveLocation
					hostBuilding(lang: $lang)
					rooms
					area {
						...AreaFields
					}
					areasServed {
						id
						code
						name(lang: $lang)
					}
					milestones {
						status
						reachedOn
						note(lang: $lang)
					}
					source {
						id
					}
				} }
				events(orderBy: [{ field: START_DATE, direction: DESC }], first: 100) { totalCount nodes {
					id
					kind
					title(lang: $lang)
					titleLang(lang: $lang)
					topics(lang: $lang)
					startDate
					endDate
					audience(lang: $lang)
					capacity
					status
					centre {
						id
						name(lang: $lang)
					}
					areas {
						id
						name(lang: $lang)
					}
					attendance {
						total {
							value
							suppressed
							protection
							withheldBelow
						}
						cells {
							sex
							ageBand
							disability
							category
							count
							suppressed
							protection
							withheldBelow
						}
					}
					source {
						id
					}
				} }
				infrastructureWorks(first: 100) { totalCount nodes {
					id
					kind
					title(lang: $lang)
					quantity
					unit
					status
					progressPercent
					completedOn
					beneficiaries
					area {
						...AreaFields
					}
					statusHistory {
						status
						changedOn
						progressPercent
						note(lang: $lang)
					}
					source {
						id
					}
				} }
				reportingCompleteness {
					figures
					periodStart
					periodEnd
					counts {
						expected
						received
						onTime
						overdue
					}
				}
				serviceCounts {
					periodStart
					periodEnd
					periodLabel(lang: $lang)
					supportType
					channel
					stage
					unit
					sex
					ageBand
					sensitivity
					value
					suppressed
					protection
					withheldBelow
					centre {
						id
						name(lang: $lang)
					}
					source {
						id
					}
				}
			}
			projectOverview(slug: $slug, lang: $lang) {
				asOf
				indicators {
					...IndicatorProgressFields
					indicator {
						id
						citations {
							passage
							lang
							source {
								id
								title(lang: $lang)
								publisher
								publishedOn
								url
							}
						}
					}
					periods {
						periodStart
						periodEnd
						value {
							value
							suppressed
							protection
							withheldBelow
						}
						asOf
						illustrative
					}
				}
				sources {
					id
					title(lang: $lang)
					publisher
					publishedOn
					reference
					language
				}
			}
		}
	`,
	[AreaFields, ParticipantFields, IndicatorProgressFields]
);

export type ProgrammeData = ResultOf<typeof _ProgrammeQuery>;

export const load: PageLoad = async ({ fetch, params }) => {
	const lang = params.lang as Lang;
	return {
		slug: params.slug,
		result: await loadWith(fetch, async (options) => {
			const d = await query(_ProgrammeQuery, { slug: params.slug, lang: apiLang(lang) }, options);
			// A donor portal shows only its own programmes, also when a URL is typed in.
			const visible = !!d.project && inPortal(readFragment(ParticipantFields, d.project.participants));
			const specs = visible ? indicatorCharts(d, lang) : [];
			return { ...d, visible, charts: await prerenderCharts(specs) };
		}),
		// The map's districts and cities with uploaded boundaries, as paths (build only).
		shapes: await prerenderShapes()
	};
};

//! The donor report of a programme: one query for what a printed report shows
//! (progress against targets per period, money, dated updates with their
//! sources, the results per year), prerendered in both languages like the
//! programme page and refreshed from the live API once opened.
import { graphql, readFragment, type ResultOf } from '$lib/graphql';
import { query } from '$lib/api/client';
import { IndicatorProgressFields, ParticipantFields } from '$lib/api/fragments';
import { loadWith } from '$lib/api/page-data';
import { apiLang, type Lang } from '$lib/i18n';
import { inPortal } from '$lib/portal';
import type { PageLoad } from './$types';

export const _ReportQuery = graphql(
	`
		query ProgrammeReport($slug: String!, $lang: Lang!) {
			project(slug: $slug) {
				id
				slug
				iatiIdentifier
				title(lang: $lang)
				summary(lang: $lang)
				status
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
				narratives {
					id
					periodStart
					periodEnd
					text(lang: $lang)
					textLanguage(lang: $lang)
				}
				participants {
					...ParticipantFields
				}
				centres(orderBy: [{ field: NAME }], first: 100) { totalCount nodes {
					id
					name(lang: $lang)
					milestones {
						status
						reachedOn
						note(lang: $lang)
					}
					source {
						id
						title(lang: $lang)
						publisher
						publishedOn
						reference
						language
					}
				} }
				events(orderBy: [{ field: START_DATE, direction: DESC }], first: 100) { totalCount nodes {
					id
					kind
					title(lang: $lang)
					titleLang(lang: $lang)
					startDate
					status
					attendance {
						total {
							value
							suppressed
							protection
							withheldBelow
						}
					}
					source {
						id
						title(lang: $lang)
						publisher
						publishedOn
						reference
						language
					}
				} }
				infrastructureWorks(first: 100) { totalCount nodes {
					id
					title(lang: $lang)
					statusHistory {
						status
						changedOn
						progressPercent
						note(lang: $lang)
					}
					source {
						id
						title(lang: $lang)
						publisher
						publishedOn
						reference
						language
					}
				} }
				serviceCounts {
					periodStart
					periodEnd
					stage
					unit
					value
					suppressed
					protection
					withheldBelow
					source {
						id
						title(lang: $lang)
						publisher
						publishedOn
						reference
						language
					}
				}
			}
			projectOverview(slug: $slug, lang: $lang) {
				asOf
				indicators {
					...IndicatorProgressFields
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
	[ParticipantFields, IndicatorProgressFields]
);

export type ReportData = ResultOf<typeof _ReportQuery>;

export const load: PageLoad = async ({ fetch, params }) => {
	const lang = params.lang as Lang;
	return {
		slug: params.slug,
		result: await loadWith(fetch, async (options) => {
			const d = await query(_ReportQuery, { slug: params.slug, lang: apiLang(lang) }, options);
			// A donor portal reports only on its own programmes, also when a URL is typed in.
			const visible = !!d.project && inPortal(readFragment(ParticipantFields, d.project.participants));
			return { ...d, visible };
		})
	};
};

//! Home page data: one query for the headline figures, the map and the programme
//! list, and one for the programmes' progress against their targets.
import { graphql, readFragment, type FragmentOf, type ResultOf } from '$lib/graphql';
import { query } from '$lib/api/client';
import { AreaFields, IndicatorProgressFields, ParticipantFields } from '$lib/api/fragments';
import { overviewsBySlug } from '$lib/api/overviews';
import { loadWith } from '$lib/api/page-data';
import { apiLang, type Lang } from '$lib/i18n';
import { inPortal } from '$lib/portal';
import type { PageLoad } from './$types';

const HomeQuery = graphql(
	`
		query Home($lang: Lang!) {
			projects(first: 100) {
				totalCount
				edges {
					node {
						id
						slug
						title(lang: $lang)
						status
						sensitivity
						participants {
							...ParticipantFields
						}
						areas {
							...AreaFields
						}
						centres {
							id
							status
							openedOn
							milestones {
								status
								reachedOn
							}
							area {
								...AreaFields
							}
						}
						infrastructureWorks {
							id
							status
							completedOn
							area {
								...AreaFields
							}
						}
						serviceCounts {
							periodEnd
						}
					}
				}
			}
			services: serviceStats(lang: $lang) {
				totals {
					unit
					value
					suppressed
					illustrative
				}
			}
			participants: participantStats(lang: $lang) {
				totals {
					unit
					value
					suppressed
					illustrative
				}
			}
			trainings: events(first: 100, filter: { kind: [TRAINING], status: [HELD] }) {
				totalCount
				edges {
					node {
						id
						startDate
						endDate
						project {
							id
						}
					}
				}
			}
		}
	`,
	[AreaFields, ParticipantFields]
);

export const _HomeOverview = graphql(
	`
		fragment HomeOverview on ProjectOverview {
			asOf
			indicators {
				...IndicatorProgressFields
			}
			participants {
				unit
				value
				suppressed
				illustrative
			}
			services {
				unit
				value
				suppressed
				illustrative
			}
		}
	`,
	[IndicatorProgressFields]
);

export type HomeData = ResultOf<typeof HomeQuery>;

export const load: PageLoad = async ({ fetch, params }) => {
	const lang = apiLang(params.lang as Lang);
	return {
		result: await loadWith(fetch, async (options) => {
			const home = await query(HomeQuery, { lang }, options);
			const projects = home.projects.edges.map((e) => e.node).filter((p) => inPortal(readFragment(ParticipantFields, p.participants)));
			const overviews = await overviewsBySlug<FragmentOf<typeof _HomeOverview>>(_HomeOverview, 'HomeOverview', projects.map((p) => p.slug), lang, options);
			return { home, projects, overviews: Object.fromEntries(overviews) };
		})
	};
};

//! Home page data: one query for the headline figures, the map and the programme
//! list, and one for the progress of the programmes it lists against their targets.
import { graphql, readFragment, type ResultOf } from '$lib/graphql';
import { query } from '$lib/api/client';
import { AreaFields, IndicatorProgressFields, ParticipantFields } from '$lib/api/fragments';
import { loadWith } from '$lib/api/page-data';
import { apiLang, type Lang } from '$lib/i18n';
import { inPortal } from '$lib/portal';
import { prerenderShapes } from '$lib/map/boundaries';
import type { PageLoad } from './$types';

export const _HomeQuery = graphql(
	`
		query Home($lang: Lang!, $centresAfter: String, $worksAfter: String) {
			projects(first: 100) {
				totalCount
				edges {
					node {
						id
						slug
						title(lang: $lang)
						status
						sensitivity
						budget {
							amount
							currency
						}
						participants {
							...ParticipantFields
						}
						areas {
							...AreaFields
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
					protection
					withheldBelow
					illustrative
				}
			}
			participants: participantStats(lang: $lang) {
				totals {
					unit
					value
					suppressed
					protection
					withheldBelow
					illustrative
				}
			}
			centres(first: 100, after: $centresAfter) {
				pageInfo {
					hasNextPage
					endCursor
				}
				edges {
					node {
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
						project {
							id
						}
					}
				}
			}
			infrastructureWorks(first: 100, after: $worksAfter) {
				pageInfo {
					hasNextPage
					endCursor
				}
				edges {
					node {
						id
						status
						completedOn
						area {
							...AreaFields
						}
						project {
							id
						}
					}
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
				protection
				withheldBelow
				illustrative
			}
			services {
				unit
				value
				suppressed
				protection
				withheldBelow
				illustrative
			}
		}
	`,
	[IndicatorProgressFields]
);

/** The progress of the listed programmes: one list field, the slugs as a variable. */
export const _HomeOverviewsQuery = graphql(
	`
		query HomeOverviews($slugs: [String!]!, $lang: Lang!) {
			projectOverviews(slugs: $slugs, lang: $lang) {
				project {
					slug
				}
				...HomeOverview
			}
		}
	`,
	[_HomeOverview]
);

export type HomeData = ResultOf<typeof _HomeQuery>;
type HomeOverviewItem = ResultOf<typeof _HomeOverviewsQuery>['projectOverviews'][number];

export const load: PageLoad = async ({ fetch, params }) => {
	const lang = apiLang(params.lang as Lang);
	return {
		result: await loadWith(fetch, async (options) => {
			const home = await query(_HomeQuery, { lang }, options);
			// Centres and works are read a page at a time at the root (a nested
			// page per programme would price the query past the API's limit) and
			// put back under their programmes.
			const centres = home.centres.edges.map((e) => e.node);
			const works = home.infrastructureWorks.edges.map((e) => e.node);
			let more = { centres: home.centres.pageInfo, works: home.infrastructureWorks.pageInfo };
			for (let i = 0; i < 50 && (more.centres.hasNextPage || more.works.hasNextPage); i++) {
				const next = await query(
					_HomeQuery,
					{
						lang,
						centresAfter: more.centres.hasNextPage ? more.centres.endCursor : null,
						worksAfter: more.works.hasNextPage ? more.works.endCursor : null
					},
					options
				);
				if (more.centres.hasNextPage) centres.push(...next.centres.edges.map((e) => e.node));
				if (more.works.hasNextPage) works.push(...next.infrastructureWorks.edges.map((e) => e.node));
				more = {
					centres: more.centres.hasNextPage ? next.centres.pageInfo : more.centres,
					works: more.works.hasNextPage ? next.infrastructureWorks.pageInfo : more.works
				};
			}
			const projects = home.projects.edges
				.map((e) => e.node)
				.filter((p) => inPortal(readFragment(ParticipantFields, p.participants)))
				.map((p) => ({
					...p,
					centres: centres.filter((c) => c.project?.id === p.id),
					infrastructureWorks: works.filter((w) => w.project?.id === p.id)
				}));
			const overviews: Record<string, HomeOverviewItem> = {};
			if (projects.length > 0) {
				const list = await query(_HomeOverviewsQuery, { slugs: projects.map((p) => p.slug), lang }, options);
				for (const o of list.projectOverviews) overviews[o.project.slug] = o;
			}
			return { home, projects, overviews };
		}),
		// The map's districts and cities with uploaded boundaries, as paths (build only).
		shapes: await prerenderShapes()
	};
};

//! District / city page data: the area (by its ISO code, lower case, or its ID),
//! then one query for everything there, sub-areas included (the API's `area`
//! filters include sub-areas).
import { graphql, readFragment, type ResultOf } from '$lib/graphql';
import { query } from '$lib/api/client';
import { AreaFields, ParticipantFields } from '$lib/api/fragments';
import { loadWith } from '$lib/api/page-data';
import { apiLang, type Lang } from '$lib/i18n';
import { inPortal } from '$lib/portal';
import type { PageLoad } from './$types';

export const _AreaLookup = graphql(
	`
		query AreaLookup($lang: Lang!, $filter: AreaFilter!) {
			areas(first: 1, filter: $filter) {
				edges {
					node {
						...AreaFields
						children {
							id
							code
							name(lang: $lang)
							kind
						}
					}
				}
			}
		}
	`,
	[AreaFields]
);

export const _AreaPage = graphql(
	`
		query AreaPage($lang: Lang!, $area: ID!) {
			projects(first: 100, filter: { area: $area }) {
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
					}
				}
			}
			centres(first: 100, filter: { area: $area }) {
				edges {
					node {
						id
						name(lang: $lang)
						kind
						status
						sensitiveLocation
						area {
							...AreaFields
						}
						project {
							id
							slug
							title(lang: $lang)
						}
					}
				}
			}
			infrastructureWorks(first: 100, filter: { area: $area }) {
				edges {
					node {
						id
						title(lang: $lang)
						kind
						status
						completedOn
						area {
							...AreaFields
						}
						project {
							id
							slug
							title(lang: $lang)
						}
					}
				}
			}
			events(first: 100, filter: { area: $area }) {
				edges {
					node {
						id
						title(lang: $lang)
						kind
						status
						startDate
						endDate
						attendance {
							total {
								value
								suppressed
								protection
								withheldBelow
							}
						}
						project {
							id
							slug
							title(lang: $lang)
							sensitivity
						}
					}
				}
			}
			services: serviceStats(filter: { area: $area }, groupBy: [PROJECT, SUPPORT_TYPE], lang: $lang) {
				rows {
					dimensions {
						dimension
						code
						id
						name
					}
					value
					suppressed
					protection
					withheldBelow
					unit
					illustrative
				}
			}
		}
	`,
	[AreaFields, ParticipantFields]
);

export type AreaPageData = ResultOf<typeof _AreaPage>;

export const load: PageLoad = async ({ fetch, params }) => {
	const lang = apiLang(params.lang as Lang);
	const key = params.key;
	// ISO 3166-2 codes (az-fuz) are the readable key; areas without one use their ID.
	const filter = /^[a-z]{2}(-[a-z0-9]+)?$/.test(key) ? { code: key.toUpperCase() } : { ids: [key] };
	return {
		result: await loadWith(fetch, async (options) => {
			const found = await query(_AreaLookup, { lang, filter }, options);
			const node = found.areas.edges[0]?.node;
			if (!node) return { area: null, page: null };
			const page = await query(_AreaPage, { lang, area: readFragment(AreaFields, node).id }, options);
			const projectIds = new Set(
				page.projects.edges.map((e) => e.node).filter((p) => inPortal(readFragment(ParticipantFields, p.participants))).map((p) => p.id)
			);
			return { area: node, page, projectIds: [...projectIds] };
		})
	};
};

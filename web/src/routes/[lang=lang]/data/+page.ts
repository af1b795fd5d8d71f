//! Data page: one query for the example table (support requests by type, the same
//! aggregate as its CSV link) and the programmes for per-programme IATI files.
import { graphql } from '$lib/graphql';
import { loadQuery } from '$lib/api/page-data';
import { ParticipantFields } from '$lib/api/fragments';
import { apiLang, type Lang } from '$lib/i18n';
import type { PageLoad } from './$types';

export const _DataQuery = graphql(
	`
		query DataPage($lang: Lang!) {
			serviceStats(groupBy: [SUPPORT_TYPE, UNIT], lang: $lang) {
				rows {
					dimensions {
						dimension
						code
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
			projects(first: 100) {
				edges {
					node {
						id
						slug
						title(lang: $lang)
						participants {
							...ParticipantFields
						}
					}
				}
			}
		}
	`,
	[ParticipantFields]
);

export const load: PageLoad = async ({ fetch, params }) => ({
	result: await loadQuery(fetch, _DataQuery, { lang: apiLang(params.lang as Lang) })
});

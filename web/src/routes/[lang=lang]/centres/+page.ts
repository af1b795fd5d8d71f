//! Centres page data: one query for every public centre with its place and programme.
import { graphql } from '$lib/graphql';
import { AreaFields, ParticipantFields } from '$lib/api/fragments';
import { loadQuery } from '$lib/api/page-data';
import { apiLang, type Lang } from '$lib/i18n';
import type { PageLoad } from './$types';

export const _CentresQuery = graphql(
	`
		query Centres($lang: Lang!) {
			centres(first: 100) {
				totalCount
				edges {
					node {
						id
						kind
						name(lang: $lang)
						status
						openedOn
						sensitiveLocation
						area {
							...AreaFields
						}
						operator {
							id
							name(lang: $lang)
							acronym(lang: $lang)
						}
						project {
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
		}
	`,
	[AreaFields, ParticipantFields]
);

export const load: PageLoad = async ({ fetch, params }) => ({
	result: await loadQuery(fetch, _CentresQuery, { lang: apiLang(params.lang as Lang) })
});

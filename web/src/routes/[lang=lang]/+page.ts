//! Home page data: one query for the headline figures, the map and the programme list.
import { graphql } from '$lib/graphql';
import { loadQuery } from '$lib/api/page-data';
import { apiLang } from '$lib/i18n';
import type { PageLoad } from './$types';

const HomeQuery = graphql(`
	query Home($lang: Lang!) {
		projects(first: 100) {
			totalCount
			edges {
				node {
					id
					slug
					title(lang: $lang)
					status
				}
			}
		}
	}
`);

export const load: PageLoad = async ({ fetch, params }) => ({
	result: await loadQuery(fetch, HomeQuery, { lang: apiLang(params.lang as 'az' | 'en') })
});

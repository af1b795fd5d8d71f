//! Programme page data: one query for everything the page shows.
import { graphql } from '$lib/graphql';
import { loadQuery } from '$lib/api/page-data';
import { apiLang } from '$lib/i18n';
import type { PageLoad } from './$types';

const ProgrammeQuery = graphql(`
	query Programme($slug: String!, $lang: Lang!) {
		project(slug: $slug) {
			id
			slug
			title(lang: $lang)
			summary(lang: $lang)
			status
		}
	}
`);

export const load: PageLoad = async ({ fetch, params }) => ({
	slug: params.slug,
	result: await loadQuery(fetch, ProgrammeQuery, { slug: params.slug, lang: apiLang(params.lang as 'az' | 'en') })
});

import { apiLang } from '$lib/i18n';
import { PROJECT } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import { manage } from '$lib/manage/manage.svelte';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, url }) => {
	const entryId = url.searchParams.get('entry');
	return {
		project: await manageLoad(PROJECT, { slug: params.slug, lang: apiLang(params.lang as 'az' | 'en') }),
		fixEntry: entryId ? await manage.outbox.get(entryId) : undefined
	};
};

import { apiLang } from '$lib/i18n';
import { manageLoad } from '$lib/manage/load';
import { SETUP_PROJECT } from '$lib/manage/setup/documents';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => ({
	slug: params.slug,
	setup: await manageLoad(SETUP_PROJECT, { slug: params.slug, lang: apiLang(params.lang as 'az' | 'en') })
});

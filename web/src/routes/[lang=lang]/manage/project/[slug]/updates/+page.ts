import { apiLang } from '$lib/i18n';
import { UPDATES } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => ({
	project: await manageLoad(UPDATES, { slug: params.slug, lang: apiLang(params.lang as 'az' | 'en') })
});

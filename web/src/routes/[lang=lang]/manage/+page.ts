import { apiLang } from '$lib/i18n';
import { ALL_PROJECTS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => ({
	projects: await manageLoad(ALL_PROJECTS, { lang: apiLang(params.lang as 'az' | 'en') })
});

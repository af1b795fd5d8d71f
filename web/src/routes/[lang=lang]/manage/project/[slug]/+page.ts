import { apiLang } from '$lib/i18n';
import { PROJECT, REPORTS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => {
	const [project, reports] = await Promise.all([
		manageLoad(PROJECT, { slug: params.slug, lang: apiLang(params.lang as 'az' | 'en') }),
		manageLoad(REPORTS, {})
	]);
	return { project, reports };
};

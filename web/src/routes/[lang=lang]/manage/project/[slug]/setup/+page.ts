import { apiLang } from '$lib/i18n';
import { manageLoad } from '$lib/manage/load';
import { SETUP_PROJECT } from '$lib/manage/setup/documents';
import { QUALITY_SETUP } from '$lib/manage/quality/documents';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => {
	const vars = { slug: params.slug, lang: apiLang(params.lang as 'az' | 'en') };
	const [setup, quality] = await Promise.all([manageLoad(SETUP_PROJECT, vars), manageLoad(QUALITY_SETUP, vars)]);
	return { slug: params.slug, setup, quality };
};

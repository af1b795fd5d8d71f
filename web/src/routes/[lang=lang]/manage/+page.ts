import { apiLang } from '$lib/i18n';
import { ALL_PROJECTS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import { DUE_REPORTS, MY_MAIL_SETTINGS } from '$lib/manage/quality/documents';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => {
	const lang = apiLang(params.lang as 'az' | 'en');
	const [projects, due, mail] = await Promise.all([
		manageLoad(ALL_PROJECTS, { lang }),
		manageLoad(DUE_REPORTS, { lang }),
		manageLoad(MY_MAIL_SETTINGS, {})
	]);
	return { projects, due, mail };
};

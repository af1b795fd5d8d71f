import { apiLang } from '$lib/i18n';
import { REPORTS_REVIEW } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => ({ reports: await manageLoad(REPORTS_REVIEW, { lang: apiLang(params.lang as 'az' | 'en') }) });

import { apiLang } from '$lib/i18n';
import { ORGANISATIONS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => ({ orgs: await manageLoad(ORGANISATIONS, { lang: apiLang(params.lang as 'az' | 'en') }) });

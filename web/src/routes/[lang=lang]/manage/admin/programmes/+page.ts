import { apiLang } from '$lib/i18n';
import { manageLoad } from '$lib/manage/load';
import { SETUP_PROGRAMMES } from '$lib/manage/setup/documents';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params }) => ({ list: await manageLoad(SETUP_PROGRAMMES, { lang: apiLang(params.lang as 'az' | 'en') }) });

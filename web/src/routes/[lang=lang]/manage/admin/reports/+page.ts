import { REPORTS_REVIEW } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async () => ({ reports: await manageLoad(REPORTS_REVIEW, {}) });

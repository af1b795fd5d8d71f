import { WEBHOOKS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async () => ({ hooks: await manageLoad(WEBHOOKS, {}) });

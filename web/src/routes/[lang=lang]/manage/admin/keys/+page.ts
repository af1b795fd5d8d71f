import { API_KEYS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async () => ({ keys: await manageLoad(API_KEYS, {}) });

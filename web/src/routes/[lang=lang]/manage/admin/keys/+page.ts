import { AUDIT_LOG } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

// The API has no list of keys yet (requested): the audit trail names every key created and revoked.
export const load: PageLoad = async () => ({ log: await manageLoad(AUDIT_LOG, { entityType: 'api_key', first: 100 }) });

import { ALL_PROJECTS, AUDIT_LOG, ORGANISATIONS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

// No `users` query exists yet (requested from the API): accounts are rebuilt from the audit trail.
export const load: PageLoad = async () => {
	const [log, orgs, projects] = await Promise.all([
		manageLoad(AUDIT_LOG, { entityType: 'user', first: 100 }),
		manageLoad(ORGANISATIONS, { lang: 'EN' }),
		manageLoad(ALL_PROJECTS, { lang: 'EN' })
	]);
	return { log, orgs, projects };
};

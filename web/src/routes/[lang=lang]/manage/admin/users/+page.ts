import { ALL_PROJECTS, ORGANISATIONS, USERS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async () => {
	const [users, orgs, projects] = await Promise.all([manageLoad(USERS, {}), manageLoad(ORGANISATIONS, { lang: 'EN' }), manageLoad(ALL_PROJECTS, { lang: 'EN' })]);
	return { users, orgs, projects };
};

import { AUDIT_LOG } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ url }) => {
	const q = url.searchParams;
	const before = Number(q.get('before')) || undefined;
	return {
		filters: { entityType: q.get('type') ?? '', entityId: q.get('id') ?? '', person: q.get('person') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '' },
		log: await manageLoad(AUDIT_LOG, { entityType: q.get('type') || undefined, entityId: q.get('id') || undefined, before, first: 100 })
	};
};

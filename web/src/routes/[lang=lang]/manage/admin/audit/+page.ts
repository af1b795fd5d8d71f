import { AUDIT_LOG, USERS } from '$lib/manage/documents';
import { manageLoad } from '$lib/manage/load';
import type { PageLoad } from './$types';

/** The day after `yyyy-mm-dd` (the API's `to` is exclusive). */
function nextDay(d: string): string {
	const t = new Date(`${d}T00:00:00Z`);
	t.setUTCDate(t.getUTCDate() + 1);
	return t.toISOString();
}

export const load: PageLoad = async ({ url }) => {
	const q = url.searchParams;
	const f = { entityType: q.get('type') ?? '', entityId: q.get('id') ?? '', person: q.get('person') ?? '', action: q.get('action') ?? '', from: q.get('from') ?? '', to: q.get('to') ?? '' };
	const before = Number(q.get('before')) || undefined;
	const [log, users] = await Promise.all([
		manageLoad(AUDIT_LOG, {
			entityType: f.entityType || undefined,
			entityId: f.entityId || undefined,
			actorId: f.person || undefined,
			action: f.action || undefined,
			from: f.from ? `${f.from}T00:00:00Z` : undefined,
			to: f.to ? nextDay(f.to) : undefined,
			before,
			first: 100
		}),
		manageLoad(USERS, {})
	]);
	return { filters: f, log, users };
};

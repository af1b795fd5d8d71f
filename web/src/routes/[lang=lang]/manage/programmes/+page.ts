import { apiLang } from '$lib/i18n';
import { manageLoad } from '$lib/manage/load';
import { manage } from '$lib/manage/manage.svelte';
import { SETUP_AREAS, SETUP_MANAGERS, SETUP_PROGRAMMES } from '$lib/manage/setup/documents';
import type { PageLoad } from './$types';

/** Every area a programme may name, read page by page (the API gives at most 100 at a time). */
async function allAreas(lang: 'AZ' | 'EN') {
	const out = [];
	let after: string | undefined;
	for (let i = 0; i < 100; i++) {
		const r = await manageLoad(SETUP_AREAS, { lang, after });
		if (r.status !== 'ok') return r;
		out.push(...r.data.areas.edges.map((e) => e.node));
		if (!r.data.areas.pageInfo.hasNextPage || !r.data.areas.pageInfo.endCursor) break;
		after = r.data.areas.pageInfo.endCursor;
	}
	return { status: 'ok' as const, data: out };
}

export const load: PageLoad = async ({ params }) => {
	const lang = apiLang(params.lang as 'az' | 'en');
	manage.start();
	// Only administrators list accounts (and assign managers).
	const admin = (manage.session?.user ?? manage.lastUser)?.role === 'ADMIN';
	const [list, areas, managers] = await Promise.all([manageLoad(SETUP_PROGRAMMES, { lang }), allAreas(lang), admin ? manageLoad(SETUP_MANAGERS, {}) : Promise.resolve(null)]);
	return { list, areas, managers };
};

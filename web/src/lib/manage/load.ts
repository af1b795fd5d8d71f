/**
 * What a /manage page's load function hands its component: the answer (live,
 * or this device's copy when offline), "log in first", or the error.
 */

import type { TadaDocumentNode } from 'gql.tada';
import { authedQuery, SessionExpired } from './api';
import { manage } from './manage.svelte';

export type ManageLoaded<T> =
	| { status: 'ok'; data: T; cachedAt?: number }
	| { status: 'login' }
	| { status: 'error'; message: string };

export async function manageLoad<R, V>(doc: TadaDocumentNode<R, V>, variables: V): Promise<ManageLoaded<R>> {
	manage.start();
	const s = manage.session;
	const userId = s?.user.id ?? manage.lastUser?.id;
	if (!userId) return { status: 'login' };
	try {
		const r = await authedQuery(doc, variables, s?.token, userId);
		return { status: 'ok', data: r.data, cachedAt: r.cachedAt };
	} catch (e) {
		if (e instanceof SessionExpired) {
			manage.expire();
			return { status: 'login' };
		}
		return { status: 'error', message: e instanceof Error ? e.message : String(e) };
	}
}

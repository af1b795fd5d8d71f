/**
 * Reads for the /manage screens: the site's GraphQL client with the session's
 * token, and a copy of each answer kept in IndexedDB so a screen opened with
 * no connection shows what it showed last (marked as such) and a form can
 * still be filled in and queued.
 */

import type { TadaDocumentNode } from 'gql.tada';
import { createStore, get, set } from 'idb-keyval';
import { ApiError, query } from '$lib/api/client';

export interface Fetched<T> {
	data: T;
	/** When the answer came from this device's copy, the time it was read from the API. */
	cachedAt?: number;
}

let cacheStore: ReturnType<typeof createStore> | undefined;
function cache() {
	cacheStore ??= createStore('progress-hub-manage-cache', 'answers');
	return cacheStore;
}

/** Thrown when the token was refused: the caller shows the log-in form. */
export class SessionExpired extends Error {
	constructor() {
		super('session expired');
		this.name = 'SessionExpired';
	}
}

/**
 * Runs a query with the token. With no connection it answers from the copy
 * kept by the last successful run of the same query (per user), if any.
 */
export async function authedQuery<R, V>(
	doc: TadaDocumentNode<R, V>,
	variables: V,
	token: string | undefined,
	userId: string | undefined,
	opts: { cacheKey?: string } = {}
): Promise<Fetched<R>> {
	const key = `${userId ?? 'anon'}:${opts.cacheKey ?? JSON.stringify([doc.definitions.map((d) => ('name' in d ? d.name?.value : '')), variables])}`;
	try {
		// With no live session the device's copy is all there is (an anonymous read would show published figures only).
		if (!token) throw new ApiError('network', 'not logged in');
		const data = await query(doc, variables, { headers: { authorization: `Bearer ${token}` } });
		set(key, { data, at: Date.now() }, cache()).catch(() => undefined);
		return { data };
	} catch (e) {
		if (e instanceof ApiError && (e.status === 401 || e.code === 'INVALID_TOKEN')) throw new SessionExpired();
		if (e instanceof ApiError && e.kind !== 'network' && !(e.status && e.status >= 500)) throw e;
		const kept = await get<{ data: R; at: number }>(key, cache()).catch(() => undefined);
		if (kept) return { data: kept.data, cachedAt: kept.at };
		if (!token) throw new SessionExpired();
		throw e;
	}
}

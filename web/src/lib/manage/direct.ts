/**
 * Mutations that must not wait in IndexedDB: those carrying a password
 * (createUser, updateUser) or answering with a secret shown once
 * (createApiKey). They are sent at once, online only, with an idempotency key
 * kept in memory and reused for up to three attempts when the answer is lost,
 * so a retry never creates a second account or key.
 */

import type { TadaDocumentNode } from 'gql.tada';
import { query } from '$lib/api/client';
import type { UserError } from './codes';
import { manage } from './manage.svelte';
import { classifyError } from './transport';

export type DirectResult<T> = { ok: true; result: T; replayed: boolean } | { ok: false; errors: UserError[]; message?: string; auth?: boolean };

export async function sendDirect<T extends { userErrors: readonly unknown[]; replayed?: boolean }, V extends { idempotencyKey: string }>(
	doc: TadaDocumentNode<{ result: T }, V>,
	variables: Omit<V, 'idempotencyKey'>
): Promise<DirectResult<T>> {
	const token = manage.session?.token;
	if (!token) return { ok: false, errors: [], auth: true };
	const idempotencyKey = crypto.randomUUID();
	let last = '';
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			const data = await query(doc, { ...variables, idempotencyKey } as V, { headers: { authorization: `Bearer ${token}` } });
			const r = data.result;
			if (r.userErrors.length > 0) return { ok: false, errors: r.userErrors as UserError[] };
			return { ok: true, result: r, replayed: r.replayed === true };
		} catch (e) {
			const c = classifyError(e);
			if (c.kind === 'auth') {
				manage.expire();
				return { ok: false, errors: [], auth: true };
			}
			if (c.kind !== 'retry') return { ok: false, errors: [], message: 'message' in c ? c.message : '' };
			last = c.message;
			await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
		}
	}
	return { ok: false, errors: [], message: last };
}

/** The global ID of a record the audit trail names by number (base64url of `Type:id`). */
export function globalId(type: string, id: string | number): string {
	return btoa(`${type}:${id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

//! What a page's load function hands its component: the answer of its one page
//! query, or why there is none yet. Prerendered pages carry the build's data (so
//! they read without JavaScript) and refresh it from the live API once mounted;
//! pages built without an API carry `pending` and fetch in the browser.
import { building } from '$app/environment';
import type { TadaDocumentNode } from 'gql.tada';
import { ApiError, query, type ApiErrorKind } from './client';

export type Loaded<T> =
	| { status: 'ok'; data: T; /** true when the data was read at build time */ prerendered: boolean }
	| { status: 'pending' }
	| { status: 'error'; kind: ApiErrorKind; message: string; code?: string };

/** Runs a page query for a load function and never throws for API failures. */
export async function loadQuery<Result, Variables>(
	fetchFn: typeof fetch,
	document: TadaDocumentNode<Result, Variables>,
	variables: Variables
): Promise<Loaded<Result>> {
	try {
		const data = await query(document, variables, { fetch: fetchFn, building });
		return { status: 'ok', data, prerendered: building };
	} catch (e) {
		if (e instanceof ApiError) {
			if (e.kind === 'unavailable') return { status: 'pending' };
			// A build whose API fails must not publish an error page as content:
			// fail loudly at build time instead.
			if (building) throw e;
			return { status: 'error', kind: e.kind, message: e.message, code: e.code };
		}
		throw e;
	}
}

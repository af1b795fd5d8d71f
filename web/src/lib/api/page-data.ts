//! What a page's load function hands its component: the answer of its one page
//! query, or why there is none yet. Prerendered pages carry the build's data (so
//! they read without JavaScript) and refresh it from the live API once mounted;
//! pages built without an API carry `pending` and fetch in the browser.
import { building } from '$app/environment';
import type { TadaDocumentNode } from 'gql.tada';
import { ApiError, query, type ApiErrorKind, type RequestOptions } from './client';

export type Loaded<T> =
	| { status: 'ok'; data: T; /** true when the data was read at build time */ prerendered: boolean }
	| { status: 'pending' }
	| { status: 'error'; kind: ApiErrorKind; message: string; code?: string };

/** Runs a page query for a load function and never throws for API failures. */
export function loadQuery<Result, Variables>(
	fetchFn: typeof fetch,
	document: TadaDocumentNode<Result, Variables>,
	variables: Variables
): Promise<Loaded<Result>> {
	return loadWith(fetchFn, (options) => query(document, variables, options));
}

/**
 * Like `loadQuery` for a page that needs a second request that depends on the
 * first (e.g. the progress of the programmes the first one listed).
 */
export async function loadWith<Result>(
	fetchFn: typeof fetch,
	run: (options: RequestOptions) => Promise<Result>
): Promise<Loaded<Result>> {
	try {
		const data = await run({ fetch: fetchFn, building });
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

let firstMount = true;
// Read when the page's modules load, before hydration consumes (and removes) the
// responses SvelteKit inlined into the page.
const inlined = typeof document !== 'undefined' && document.querySelector('script[data-sveltekit-fetched]') !== null;

/**
 * True once, for the first page the browser opens when it was prerendered with
 * data: its load was answered from the responses inlined at build time, which
 * may be older than the live API. Later pages load live.
 */
export function takeBuildData(): boolean {
	if (!firstMount) return false;
	firstMount = false;
	return inlined;
}

/**
 * Whether a refresh brought the same figures as the data shown: equal as JSON,
 * leaving out what the browser's load does not recompute (`charts`: drawn only
 * at build time; the chart component redraws by itself when its data differs).
 */
export function sameData(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	const strip = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) && 'charts' in v ? { ...(v as Record<string, unknown>), charts: null } : v);
	try {
		return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
	} catch {
		return false;
	}
}

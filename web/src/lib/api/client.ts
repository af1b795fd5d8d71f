//! The one way the site talks to the API: typed GraphQL documents over plain
//! `fetch`, and URLs for the CSV/IATI downloads. The API lives at the site's own
//! origin unless the build sets PUBLIC_API_URL; while prerendering, the build
//! reads PRERENDER_API_URL (or PUBLIC_API_URL) instead, and without one the page
//! is built without data and fetches it in the browser.
//!
//! Every document is a fixed, typed document sent as persisted query
//! ($lib/api/persisted; the build registers them all in its manifest, see
//! $lib/api/manifest): a public read is a `GET /graphql?extensions=…&variables=…`
//! naming the document by its SHA-256, which the API answers with Cache-Control
//! and an ETag so a CDN can serve it; when the API does not know the hash
//! (PERSISTED_QUERY_NOT_FOUND) the document is POSTed once with its hash. Reads
//! with credentials (/manage) and mutations are POSTed with the document and its
//! hash. Errors come back as one typed `ApiError` so a page can tell "the server
//! cannot be reached" from "the server refused the query".
import type { TadaDocumentNode } from 'gql.tada';
import config from 'virtual:site-config';
import { documentText, operationOf, sha256Hex } from './persisted';

export type ApiErrorKind =
	/** fetch itself failed: offline, DNS, CORS, connection refused */
	| 'network'
	/** the server answered with a non-2xx status and no GraphQL body */
	| 'http'
	/** the server answered with GraphQL errors */
	| 'graphql'
	/** the build has no API to prerender from (not an error in the browser) */
	| 'unavailable';

export class ApiError extends Error {
	constructor(
		readonly kind: ApiErrorKind,
		message: string,
		readonly status?: number,
		/** `extensions.code` of the first GraphQL error, e.g. UNAUTHENTICATED, CONFLICT */
		readonly code?: string
	) {
		super(message);
		this.name = 'ApiError';
	}
}

export interface RequestOptions {
	/** SvelteKit's `fetch` from a load function (lets prerender inline the answer). */
	fetch?: typeof fetch;
	/** Extra headers, e.g. `authorization: Bearer …` for /manage. */
	headers?: Record<string, string>;
	signal?: AbortSignal;
	/** Whether this request runs during the build (prerendering). */
	building?: boolean;
}

/** The API origin for this context ('' = same origin). */
export function apiBase(building = false): string {
	return building ? config.prerenderApiUrl : config.apiUrl;
}

/**
 * The GraphQL endpoint: the same URL while prerendering and in the browser, so
 * the browser's first request is answered from the response the build inlined
 * into the page (SvelteKit matches them by URL and body). A same-origin API is
 * addressed by path; the build then runs with its prerender origin set to the
 * API's (svelte.config.js) and hooks.server.ts sends those requests to it.
 */
function graphqlEndpoint(): string {
	return `${config.apiUrl}/graphql`;
}

/** Absolute or site-relative URL of an API path such as `/export/projects.csv`. */
export function apiUrl(path: string, building = false): string {
	return `${apiBase(building)}${path}`;
}

/** Longest persisted GET URL sent; a read with larger variables is POSTed (CDNs and proxies cap URLs near 8 KB). */
const MAX_GET_URL = 6000;

type Body = { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };

/** One HTTP exchange with the endpoint: its status and JSON body (undefined when it has none). */
async function exchange(doFetch: typeof fetch, url: string, init: RequestInit): Promise<{ status: number; ok: boolean; body?: Body }> {
	let response: Response;
	try {
		response = await doFetch(url, init);
	} catch (e) {
		if ((e as Error)?.name === 'AbortError') throw e;
		throw new ApiError('network', (e as Error)?.message ?? String(e));
	}
	let body: Body | undefined;
	try {
		body = await response.json();
	} catch {
		body = undefined;
	}
	return { status: response.status, ok: response.ok, body };
}

/** The `data` of an answer, or the `ApiError` it stands for. */
function dataOf<Result>(answer: { status: number; ok: boolean; body?: Body }): Result {
	const { status, ok, body } = answer;
	if (body?.errors?.length) {
		const first = body.errors[0];
		throw new ApiError('graphql', first.message, status, first.extensions?.code);
	}
	if (!ok || !body || body.data == null) {
		throw new ApiError('http', `HTTP ${status}`, status);
	}
	return body.data as Result;
}

/**
 * Sends one typed GraphQL document and returns its `data`, or throws `ApiError`.
 * A query without credentials goes as a persisted GET (cacheable), falling back
 * to a POST of the document when the API does not know its hash; anything else
 * is POSTed with its hash.
 */
export async function query<Result, Variables>(
	document: TadaDocumentNode<Result, Variables>,
	variables: Variables,
	options: RequestOptions = {}
): Promise<Result> {
	const building = options.building ?? false;
	if (building && !config.prerenderApiUrl) {
		throw new ApiError('unavailable', 'no API configured for prerendering');
	}
	const doFetch = options.fetch ?? fetch;
	const text = documentText(document);
	const hash = await sha256Hex(text);
	const vars = (variables ?? {}) as Record<string, unknown>;
	const headers = { accept: 'application/json', ...options.headers };
	const credentials = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
	const persistedQuery = hash ? { persistedQuery: { version: 1, sha256Hash: hash } } : undefined;
	if (persistedQuery && operationOf(document)?.type === 'query' && !credentials) {
		// The same URL while prerendering and in the browser, so the browser's
		// first request is answered from the response the build inlined.
		const url = `${graphqlEndpoint()}?extensions=${encodeURIComponent(JSON.stringify(persistedQuery))}&variables=${encodeURIComponent(JSON.stringify(vars))}`;
		if (url.length <= MAX_GET_URL) {
			const answer = await exchange(doFetch, url, { method: 'GET', headers, signal: options.signal });
			if (answer.body?.errors?.[0]?.extensions?.code !== 'PERSISTED_QUERY_NOT_FOUND') return dataOf<Result>(answer);
		}
	}
	const answer = await exchange(doFetch, graphqlEndpoint(), {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify({ query: text, variables: vars, ...(persistedQuery ? { extensions: persistedQuery } : {}) }),
		signal: options.signal
	});
	return dataOf<Result>(answer);
}

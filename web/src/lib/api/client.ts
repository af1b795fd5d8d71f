//! The one way the site talks to the API: typed GraphQL documents POSTed as JSON
//! over plain `fetch`, and URLs for the CSV/IATI downloads. The API lives at the
//! site's own origin unless the build sets PUBLIC_API_URL; while prerendering, the
//! build reads PRERENDER_API_URL (or PUBLIC_API_URL) instead, and without one the
//! page is built without data and fetches it in the browser.
//! Errors come back as one typed `ApiError` so a page can tell "the server cannot
//! be reached" from "the server refused the query".
import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import config from 'virtual:site-config';

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

/** Sends one typed GraphQL document and returns its `data`, or throws `ApiError`. */
export function query<Result, Variables>(
	document: TadaDocumentNode<Result, Variables>,
	variables: Variables,
	options: RequestOptions = {}
): Promise<Result> {
	return queryText<Result>(print(document), variables as Record<string, unknown>, options);
}

/**
 * Sends a document given as text. Only for documents assembled at run time from
 * typed fragments (e.g. one aliased field per programme); the caller types the result.
 */
export async function queryText<Result>(
	text: string,
	variables: Record<string, unknown> | undefined,
	options: RequestOptions = {}
): Promise<Result> {
	const building = options.building ?? false;
	if (building && !config.prerenderApiUrl) {
		throw new ApiError('unavailable', 'no API configured for prerendering');
	}
	const doFetch = options.fetch ?? fetch;
	let response: Response;
	try {
		response = await doFetch(graphqlEndpoint(), {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
			body: JSON.stringify({ query: text, variables: variables ?? {} }),
			signal: options.signal
		});
	} catch (e) {
		if ((e as Error)?.name === 'AbortError') throw e;
		throw new ApiError('network', (e as Error)?.message ?? String(e));
	}
	let body: { data?: Result | null; errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
	try {
		body = await response.json();
	} catch {
		body = undefined;
	}
	if (body?.errors?.length) {
		const first = body.errors[0];
		throw new ApiError('graphql', first.message, response.status, first.extensions?.code);
	}
	if (!response.ok || !body || body.data == null) {
		throw new ApiError('http', `HTTP ${response.status}`, response.status);
	}
	return body.data;
}

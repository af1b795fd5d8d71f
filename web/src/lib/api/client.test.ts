import { describe, expect, it } from 'vitest';
import { graphql } from '$lib/graphql';
import { ApiError, query } from './client';
import { documentText, sha256Hex } from './persisted';

const Read = graphql(`
	query ClientTestRead($first: Int) {
		projects(first: $first) {
			totalCount
		}
	}
`);

type Sent = { method: string; url: URL; body?: Record<string, unknown>; headers: Record<string, string> };

/** A fetch that records requests and answers them with `answer(request)`. */
function recorder(answer: (r: Sent) => unknown) {
	const sent: Sent[] = [];
	const fetchFn = (async (url: string | URL | Request, init?: RequestInit) => {
		const r: Sent = {
			method: init?.method ?? 'GET',
			url: new URL(String(url), 'http://site.example'),
			body: init?.body ? JSON.parse(String(init.body)) : undefined,
			headers: (init?.headers ?? {}) as Record<string, string>
		};
		sent.push(r);
		return new Response(JSON.stringify(answer(r)), { status: 200, headers: { 'content-type': 'application/json' } });
	}) as typeof fetch;
	return { sent, fetchFn };
}

const NOT_FOUND = { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] };

describe('the GraphQL client', () => {
	it('sends a public read as a persisted GET and nothing else when the API knows it', async () => {
		const { sent, fetchFn } = recorder(() => ({ data: { projects: { totalCount: 3 } } }));
		const data = await query(Read, { first: 2 }, { fetch: fetchFn });
		expect(data.projects.totalCount).toBe(3);
		expect(sent).toHaveLength(1);
		expect(sent[0].method).toBe('GET');
		expect(sent[0].url.pathname).toBe('/graphql');
		const ext = JSON.parse(sent[0].url.searchParams.get('extensions')!);
		expect(ext).toEqual({ persistedQuery: { version: 1, sha256Hash: await sha256Hex(documentText(Read)) } });
		expect(JSON.parse(sent[0].url.searchParams.get('variables')!)).toEqual({ first: 2 });
		expect(sent[0].url.searchParams.has('query')).toBe(false);
	});

	it('sends the document with its hash once when the API does not know the hash', async () => {
		const { sent, fetchFn } = recorder((r) => (r.method === 'GET' ? NOT_FOUND : { data: { projects: { totalCount: 1 } } }));
		const data = await query(Read, { first: 1 }, { fetch: fetchFn });
		expect(data.projects.totalCount).toBe(1);
		expect(sent.map((s) => s.method)).toEqual(['GET', 'POST']);
		expect(sent[1].body).toEqual({
			query: documentText(Read),
			variables: { first: 1 },
			extensions: { persistedQuery: { version: 1, sha256Hash: await sha256Hex(documentText(Read)) } }
		});
	});

	it('posts reads with credentials, with the hash, and never as GET', async () => {
		const { sent, fetchFn } = recorder(() => ({ data: { projects: { totalCount: 5 } } }));
		await query(Read, { first: 1 }, { fetch: fetchFn, headers: { authorization: 'Bearer x' } });
		expect(sent.map((s) => s.method)).toEqual(['POST']);
		expect(sent[0].headers.authorization).toBe('Bearer x');
		expect((sent[0].body!.extensions as { persistedQuery: { sha256Hash: string } }).persistedQuery.sha256Hash).toBe(await sha256Hex(documentText(Read)));
	});

	it('reports other refusals as they are, without a second request', async () => {
		const { sent, fetchFn } = recorder(() => ({ errors: [{ message: 'not allowed', extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' } }] }));
		const e = await query(Read, { first: 1 }, { fetch: fetchFn }).catch((e) => e);
		expect(e).toBeInstanceOf(ApiError);
		expect(e.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
		expect(sent).toHaveLength(1);
	});
});

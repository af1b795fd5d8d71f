import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { persistedManifest, siteDocuments } from './manifest';
import { documentText, operationOf } from './persisted';
import { query } from './client';

const SRC = join(import.meta.dirname, '..', '..');

/** Every .ts and .svelte file of src/ but tests, generated code and type declarations. */
function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return name === 'paraglide' ? [] : sourceFiles(path);
		if (!/\.(ts|svelte)$/.test(name) || /\.(test|d)\.ts$/.test(name)) return [];
		return [path];
	});
}

/** The operations written in `graphql(` templates anywhere in src/, read from the text (not from the modules). */
function operationsInSource(): Array<{ file: string; type: string; name: string }> {
	const found = [];
	for (const file of sourceFiles(SRC)) {
		const text = readFileSync(file, 'utf8');
		for (const call of text.matchAll(/graphql\(\s*`([^`]*)`/g)) {
			for (const op of call[1].matchAll(/(?:^|[\s}])(query|mutation|subscription)\s+([A-Za-z_]\w*)/g)) {
				found.push({ file: relative(SRC, file), type: op[1], name: op[2] });
			}
		}
	}
	return found;
}

describe('the persisted-query manifest', () => {
	it('names each document by the SHA-256 of its body, in Apollo format', async () => {
		const manifest = await persistedManifest();
		expect(manifest.format).toBe('apollo-persisted-query-manifest');
		expect(manifest.version).toBe(1);
		expect(manifest.operations.length).toBeGreaterThan(10);
		for (const op of manifest.operations) {
			expect(op.id, op.name).toBe(createHash('sha256').update(op.body, 'utf8').digest('hex'));
			expect(['query', 'mutation']).toContain(op.type);
		}
		expect(new Set(manifest.operations.map((o) => o.id)).size).toBe(manifest.operations.length);
	});

	it('holds every operation the code defines, and nothing assembled at run time', async () => {
		const inSource = operationsInSource();
		// The source scan must see the documents at all (guards the scan itself).
		expect(inSource.map((o) => o.name)).toEqual(expect.arrayContaining(['Home', 'HomeOverviews', 'ManageLogin', 'ManageCreateEvent', 'Embed']));
		const names = new Set((await persistedManifest()).operations.map((o) => `${o.type} ${o.name}`));
		const missing = inSource.filter((o) => !names.has(`${o.type} ${o.name}`));
		expect(missing, 'operations not registered (define documents in +page.ts, +layout.ts or $lib/**/documents.ts and export them)').toEqual([]);
		expect(names.size).toBe(new Set(inSource.map((o) => `${o.type} ${o.name}`)).size);
		// No document text is put together from strings outside graphql().
		for (const file of sourceFiles(SRC)) {
			expect(readFileSync(file, 'utf8'), file).not.toMatch(/queryText|print\(\s*fragment/);
		}
	});

	it('is what the client sends: the GET names the manifest id, the fallback POST sends its body', async () => {
		const manifest = await persistedManifest();
		const byId = new Map(manifest.operations.map((o) => [o.id, o]));
		for (const doc of siteDocuments()) {
			const sent: Array<{ url: string; init: RequestInit }> = [];
			const fetchFn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
				sent.push({ url: String(url), init: init ?? {} });
				const body = init?.method === 'GET' ? { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] } : { data: {} };
				return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
			}) as unknown as typeof fetch;
			const headers = operationOf(doc)?.type === 'mutation' ? { authorization: 'Bearer t' } : undefined;
			await query(doc as never, {} as never, { fetch: fetchFn, headers }).catch(() => undefined);
			const post = sent.find((s) => s.init.method === 'POST');
			expect(post, operationOf(doc)?.name).toBeDefined();
			const body = JSON.parse(String(post!.init.body));
			const entry = byId.get(body.extensions.persistedQuery.sha256Hash);
			expect(entry?.body, operationOf(doc)?.name).toBe(body.query);
			expect(body.query).toBe(documentText(doc));
			if (operationOf(doc)?.type === 'query') {
				const get = new URL(sent[0].url, 'http://site.example');
				expect(sent[0].init.method).toBe('GET');
				expect(JSON.parse(get.searchParams.get('extensions')!).persistedQuery.sha256Hash).toBe(entry!.id);
			}
		}
	});
});

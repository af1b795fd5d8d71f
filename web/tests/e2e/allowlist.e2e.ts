// The built site against an API in allow-list mode (API_PERSISTED_QUERIES=allowlist
// with the build's own persisted-queries.json): every document the site sends must
// be one the build registered. Public pages, an embed and a /manage data-entry flow
// run with every GraphQL answer watched; one PERSISTED_QUERY_NOT_ALLOWED (or any
// other persisted-query refusal) fails the test. Public reads go as persisted GETs
// (the hash alone, cacheable); /manage stays POST.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page, Response } from 'playwright-core';
import { guardedContext, launchBrowser, type GuardedContext } from './harness';
import { fillGrid, MANAGER, SLUG, uiLogin } from './manage-helpers';
import { startApi } from './stack.mjs';

let browser: Browser;
let api: { url: string; log: string; stop: () => Promise<unknown> };
let manifest: { operations: { id: string; name: string; body: string }[] };

interface Seen {
	method: string;
	url: string;
	status: number;
	codes: string[];
	cacheControl: string;
}

/** Records every answer of /graphql on the page, with the error codes it carries. */
function watch(page: Page, seen: Seen[]) {
	const pending: Promise<void>[] = [];
	page.on('response', (resp: Response) => {
		const url = new URL(resp.url());
		if (url.pathname !== '/graphql') return;
		pending.push(
			(async () => {
				let codes: string[] = [];
				try {
					const body = await resp.json();
					const answers = Array.isArray(body) ? body : [body];
					codes = answers.flatMap((a) => (a?.errors ?? []).map((e: { extensions?: { code?: string } }) => e.extensions?.code ?? '?'));
				} catch {
					/* a 304 or an aborted answer carries no body */
				}
				seen.push({ method: resp.request().method(), url: resp.url(), status: resp.status(), codes, cacheControl: (await resp.allHeaders())['cache-control'] ?? '' });
			})()
		);
	});
	return () => Promise.all(pending);
}

beforeAll(async () => {
	const buildDir = inject('buildDir');
	const file = join(buildDir, 'persisted-queries.json');
	expect(existsSync(file), `${file}: the build writes its manifest`).toBe(true);
	manifest = JSON.parse(readFileSync(file, 'utf8'));
	api = await startApi({
		port: inject('portBase') + 5,
		env: { WEB_DIR: buildDir, API_PERSISTED_QUERIES: 'allowlist', API_PERSISTED_QUERIES_FILE: file }
	});
	browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
	await browser?.close();
	await api?.stop();
});

describe('the site against an API that runs only the build’s registered documents', { timeout: 120_000 }, () => {
	it('the API refuses what the build did not register', async () => {
		const r = await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ projects { totalCount } }' }) });
		expect((await r.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
		expect(manifest.operations.map((o) => o.name)).toEqual(expect.arrayContaining(['Home', 'HomeOverviews', 'Programme', 'Embed', 'ManageLogin', 'ManageCreateEvent']));
	});

	it('public pages and an embed send only registered documents, as cacheable persisted GETs', async () => {
		const g: GuardedContext = await guardedContext(browser, { allowed: [api.url] });
		const page = await g.newPage();
		const seen: Seen[] = [];
		const settled = watch(page, seen);
		const paths = ['/en/', '/az/', `/en/programme/${SLUG}/`, '/az/area/az-fuz/', '/en/centres/', '/en/data/', `/embed/en/programme/${SLUG}/`, `/embed/az/programme/${SLUG}/map/`];
		for (const path of paths) {
			await page.goto(`${api.url}${path}`, { waitUntil: 'networkidle' });
			await page.waitForSelector('main, body > *');
		}
		// A page opened by client-side navigation loads live (nothing inlined).
		await page.goto(`${api.url}/en/`, { waitUntil: 'networkidle' });
		await page.locator(`a[href$="/programme/${SLUG}/"]`).first().click();
		await page.waitForURL(`**/programme/${SLUG}/`);
		await page.waitForLoadState('networkidle');
		await settled();
		expect(seen.length, 'the pages talked to the API').toBeGreaterThan(0);
		const refused = seen.filter((s) => s.codes.some((c) => c.startsWith('PERSISTED_QUERY')));
		expect(refused, 'refused persisted queries').toEqual([]);
		expect(seen.filter((s) => s.status >= 400 || s.codes.length > 0)).toEqual([]);
		const gets = seen.filter((s) => s.method === 'GET');
		expect(gets.length).toBeGreaterThan(0);
		for (const s of gets) {
			const url = new URL(s.url);
			expect(url.searchParams.has('query'), 'a persisted GET names its document by hash only').toBe(false);
			const hash = JSON.parse(url.searchParams.get('extensions') ?? '{}').persistedQuery?.sha256Hash;
			expect(manifest.operations.map((o) => o.id)).toContain(hash);
			if (s.status === 200) expect(s.cacheControl).toMatch(/^public, max-age=\d+/);
		}
		expect(seen.filter((s) => s.method === 'POST'), 'anonymous reads need no POST').toEqual([]);
		expect(g.outside).toEqual([]);
		await g.context.close();
	});

	it('a manager logs in and records a training on /manage with only registered documents', async () => {
		const g = await guardedContext(browser, { allowed: [api.url] });
		const page = await g.newPage();
		const seen: Seen[] = [];
		const settled = watch(page, seen);
		await uiLogin(page, api.url, MANAGER);
		await page.goto(`${api.url}/en/manage/project/${SLUG}/`);
		await page.waitForSelector('main h1');
		await page.goto(`${api.url}/en/manage/project/${SLUG}/event/new/`);
		await page.waitForSelector('[data-testid=event-form]');
		const title = `Allow-list training ${Date.now()}`;
		await page.fill('#ev-titleAz', `İcazə siyahısı təlimi ${Date.now()}`);
		await page.fill('#ev-titleEn', title);
		await page.fill('#ev-startDate', '2021-10-04');
		const cells = await page.locator('[data-testid=attendance-grid] input.cell').count();
		await fillGrid(page, Array.from({ length: cells }, (_, i) => 5 + i));
		await page.click('[data-testid=event-save]');
		await page.waitForSelector('[data-testid=saved-notice]');
		await page.goto(`${api.url}/en/manage/outbox/`);
		await page.waitForLoadState('networkidle');
		await settled();
		const refused = seen.filter((s) => s.codes.some((c) => c.startsWith('PERSISTED_QUERY')));
		expect(refused, 'refused persisted queries').toEqual([]);
		expect(seen.filter((s) => s.method === 'POST').length, 'log-in, reads and the mutation are POSTs').toBeGreaterThanOrEqual(3);
		// The training is stored: the allow-listed API ran the site's mutation.
		const stored = await fetch(`${api.url}/graphql`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ query: manifest.operations.find((o) => o.name === 'Programme')!.body, variables: { slug: SLUG, lang: 'EN' } })
		}).then((r) => r.json());
		expect(stored.errors).toBeUndefined();
		expect(JSON.stringify(stored.data)).toContain(title);
		expect(g.outside).toEqual([]);
		await g.context.close();
	});
});

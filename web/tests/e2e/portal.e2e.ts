// A donor portal: the site built for one organisation (here UNICEF, a partner of
// the child hotline in the seed texts) from a config file, deployed apart from
// the API (its own origin; the API lists it in API_CORS_ORIGINS). It shows only
// that organisation's programmes, with its name, logo and colours.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkPortal } from '../../scripts/portal-check.mjs';
import { readSiteConfig } from '../../scripts/portal-config.mjs';
import { axe, describeViolations, guardedContext, launchBrowser, apiUrl, screenshot, DESKTOP } from './harness';
import { buildSite, WEB_DIR } from './stack.mjs';
import { serveStatic } from './static-server.mjs';

let browser: Browser;
let portal: { url: string; close: () => Promise<unknown> };

async function gql<T>(query: string): Promise<T> {
	const r = await fetch(`${apiUrl()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
	return (await r.json()).data as T;
}

beforeAll(async () => {
	const port = inject('portBase');
	const dir = buildSite(`build-e2e-portal-unicef-${port}`, {
		PORTAL_CONFIG: join(WEB_DIR, 'tests/e2e/fixtures/portal-unicef.json'),
		PUBLIC_API_URL: apiUrl(),
		PRERENDER_API_URL: apiUrl()
	});
	portal = await serveStatic({ root: dir, port, connectSrc: apiUrl() });
	browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
	await browser?.close();
	await portal?.close();
});

describe('a donor portal build', () => {
	it("shows only the programmes the organisation takes part in, under its own name", async () => {
		const data = await gql<{ projects: { edges: { node: { slug: string; participants: { role: string; organisation: { acronym: string | null } }[] } }[] } }>(
			'{ projects(first: 100) { edges { node { slug participants { role organisation { acronym } } } } } }'
		);
		const expected = data.projects.edges
			.map((e) => e.node)
			.filter((p) => p.participants.some((x) => x.organisation.acronym === 'UNICEF' && ['FUNDING', 'PARTNER'].includes(x.role)))
			.map((p) => p.slug)
			.sort();
		expect(expected.length, 'the demo data links UNICEF to a programme').toBeGreaterThan(0);
		expect(expected.length).toBeLessThan(data.projects.edges.length);

		const g = await guardedContext(browser, { allowed: [portal.url, apiUrl()], viewport: DESKTOP });
		const page = await g.newPage();
		await page.goto(`${portal.url}/en/`, { waitUntil: 'networkidle' });
		const slugs = await page.getByTestId('programme-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-slug')).sort());
		expect(slugs).toEqual(expected);
		expect(await page.locator('.brand').innerText()).toContain('UNICEF Azerbaijan');
		expect(await page.locator('.brand img').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
		const v = await axe(page);
		expect(v, describeViolations(v)).toEqual([]);
		await screenshot(page, 'portal-unicef-en-desktop');

		// Another organisation's programme, typed in by hand, is not shown.
		const other = data.projects.edges.map((e) => e.node.slug).find((s) => !expected.includes(s))!;
		await page.goto(`${portal.url}/en/programme/${other}/`, { waitUntil: 'networkidle' });
		expect(await page.locator('main').innerText()).toContain('not part of this portal');
		// Its centres page lists only centres of the portal's programmes.
		await page.goto(`${portal.url}/az/centres/`, { waitUntil: 'networkidle' });
		const centres = await page.locator('[data-testid="centres-table"] tbody tr').count();
		const all = await gql<{ centres: { edges: { node: { project: { slug: string } | null } }[] } }>('{ centres(first: 100) { edges { node { project { slug } } } } }');
		expect(centres).toBe(all.centres.edges.filter((e) => e.node.project && expected.includes(e.node.project.slug)).length);
		expect(g.outside).toEqual([]);
		expect(g.errors).toEqual([]);
		await g.context.close();
	});
});

describe('portal configurations', () => {
	const shipped = readdirSync(join(WEB_DIR, 'portals')).filter((f) => f.endsWith('.json'));

	it.each(shipped)('the shipped portals/%s selects at least one programme', async (file) => {
		const cfg = readSiteConfig({ PORTAL_CONFIG: join(WEB_DIR, 'portals', file) });
		expect(cfg.portal, 'a portal config names an organisation').not.toBeNull();
		const { programmes } = await checkPortal(cfg.portal!, apiUrl());
		expect(programmes.length).toBeGreaterThan(0);
	});

	const build = (env: Record<string, string>) =>
		spawnSync('node', ['scripts/build.mjs', '--quiet'], {
			cwd: WEB_DIR,
			encoding: 'utf8',
			env: { ...process.env, NODE_ENV: 'production', BUILD_DIR: 'build-e2e-portal-refused', PORTAL_CONFIG: '', PUBLIC_API_URL: apiUrl(), PRERENDER_API_URL: apiUrl(), ...env }
		});

	it('a portal whose organisation does not resolve fails the build, saying so', () => {
		const r = build({ PORTAL_ORG: 'No Such Organisation' });
		expect(r.status).toBe(1);
		expect(r.stderr).toContain('portal organisation "No Such Organisation" does not resolve');
	});

	it('a portal whose organisation selects no programme fails the build, saying so', () => {
		// The OSCE itself takes part in nothing; its Project Co-ordinator in Baku does.
		const r = build({ PORTAL_ORG: 'OSCE', PORTAL_ROLES: 'FUNDING,PARTNER' });
		expect(r.status).toBe(1);
		expect(r.stderr).toMatch(/portal organisation "OSCE" .* selects no programme/);
	});
});

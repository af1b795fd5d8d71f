// The public site against the real API with the demo data: browsing, languages,
// suppressed figures, downloads, embeds, no JavaScript, phone width, axe on every
// page in both languages, and not a single request outside the site and the API.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from './static-server.mjs';
import type { Browser, Locator, Page } from 'playwright-core';
import { apiCreateEvent, apiLogin, MANAGER } from './manage-helpers';
import { apiUrl, axe, DESKTOP, describeViolations, guardedContext, launchBrowser, PHONE, plain, screenshot, siteUrl, type GuardedContext } from './harness';

const UNDP = 'undp-early-recovery-fuzuli-agjabadi-tartar';
let browser: Browser;
let g: GuardedContext;

async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
	const r = await fetch(`${apiUrl()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
	const body = await r.json();
	if (body.errors) throw new Error(JSON.stringify(body.errors));
	return body.data as T;
}

/** Another web site (its own origin) serving one page, for embedding tests. */
async function otherSite(html: string) {
	const dir = mkdtempSync(join(tmpdir(), 'other-site-'));
	writeFileSync(join(dir, 'index.html'), html);
	writeFileSync(join(dir, '200.html'), html);
	return serveStatic({ root: dir, port: inject('portBase') + 4, csp: false });
}

/** Opens a page and waits until the live refresh after mount has settled. */
async function open(page: Page, path: string) {
	await page.goto(`${siteUrl()}${path}`, { waitUntil: 'networkidle' });
}

beforeAll(async () => {
	browser = await launchBrowser();
	g = await guardedContext(browser, { viewport: DESKTOP });
});
afterAll(async () => {
	expect(g.outside, 'requests outside the site and the API').toEqual([]);
	await g?.context.close();
	await browser?.close();
});

describe('browsing', () => {
	it('goes home → programme → district → centres, in Azerbaijani with its letters intact', async () => {
		const page = await g.newPage();
		await open(page, '/az/');
		const cards = page.getByTestId('programme-card');
		const api = await gql<{ projects: { totalCount: number } }>('{ projects { totalCount } }');
		await expect.poll(() => cards.count()).toBe(api.projects.totalCount);
		await page.locator(`[data-slug="${UNDP}"] h3 a`).click();
		await page.waitForURL(`**/az/programme/${UNDP}/`);
		await expect.poll(() => page.locator('h1').innerText()).toContain('Füzuli-Horadiz, Ağcabədi və Tərtər');
		await page.getByRole('link', { name: 'Tərtər' }).first().click();
		await page.waitForURL('**/az/area/az-tar/');
		expect(await page.locator('h1').innerText()).toContain('Tərtər');
		expect(await page.locator('section[aria-labelledby="a-centres"]').innerText()).toContain('Tərtər İcma Resurs Mərkəzi');
		await page.getByRole('navigation').getByRole('link', { name: 'Mərkəzlər' }).click();
		await page.waitForURL('**/az/centres/');
		const centres = await gql<{ centres: { totalCount: number } }>('{ centres { totalCount } }');
		await expect.poll(() => page.locator('[data-testid="centres-table"] tbody tr').count()).toBe(centres.centres.totalCount);
		expect(g.errors).toEqual([]);
		await page.close();
	});

	it('switching language keeps the page, its query and its anchor', async () => {
		const page = await g.newPage();
		await open(page, `/az/programme/${UNDP}/?from=test#s-works`);
		await page.locator('a.lang-switch').click();
		await page.waitForURL(`**/en/programme/${UNDP}/?from=test#s-works`);
		expect(await page.getAttribute('html', 'lang')).toBe('en');
		expect(await page.locator('h2#s-works').innerText()).toBe('Infrastructure works');
		await page.locator('a.lang-switch').click();
		await page.waitForURL(`**/az/programme/${UNDP}/**`);
		expect(await page.locator('h2#s-works').innerText()).toBe('İnfrastruktur işləri');
		await page.close();
	});
});

describe('figures', () => {
	it('the figure that matters is published, and any withheld figure reads "fewer than N" or "withheld", never 0 or blank', async () => {
		// Protection keeps totals: the people trained (23 officials + 3 coordinators) are published.
		const ov = await gql<{ projectOverview: { indicators: { code: string; actual: { value: number | null; suppressed: boolean } }[] } }>(
			`query($s: String!) { projectOverview(slug: $s) { indicators { code actual { value suppressed } } } }`,
			{ s: UNDP }
		);
		const trained = ov.projectOverview.indicators.find((i) => i.code === 'people-trained')!;
		// 26 in the demo data (more once the data-entry tests have added trainings).
		expect(trained.actual.suppressed).toBe(false);
		expect(trained.actual.value).toBeGreaterThanOrEqual(26);
		const page = await g.newPage();
		for (const [lang, pattern] of [
			['en', /^(fewer than [\d,]+|withheld)\b/],
			['az', /^([\d ]+-d[əa]n az|gizlədilib)/]
		] as const) {
			await open(page, `/${lang}/programme/${UNDP}/`);
			const cell = page.locator(`tr[data-indicator="people-trained"] [data-figure]`).first();
			expect(plain(await cell.innerText())).toMatch(/\d/);
			for (const slug of [UNDP, 'mlsp-trafficking-victim-assistance']) {
				await open(page, `/${lang}/programme/${slug}/`);
				for (const w of await page.locator('[data-figure][data-suppressed="true"]').all()) {
					// textContent: some sit in closed <details>.
					const text = plain((await w.textContent()) ?? '');
					expect(text).toMatch(pattern);
					expect(text).not.toMatch(/^0\b/);
				}
			}
		}
		await page.close();
	});

	it('marks every perturbed figure "≈ N" with a link to the method, and its tables say cells need not add up', async () => {
		// A training entered by the manager: its cells are records, rounded (PERTURBED) for anonymous readers.
		const token = await apiLogin(apiUrl(), MANAGER);
		const ev = await apiCreateEvent(apiUrl(), token, {
			titleAz: 'Yuvarlaqlaşdırma',
			titleEn: `Rounding ${Date.now()}`,
			status: 'HELD',
			startDate: '2021-10-05',
			attendance: [6, 8, 12, 9].map((count, i) => ({ sex: i % 2 ? 'MALE' : 'FEMALE', ageBand: i < 2 ? 'AGE_25_TO_59' : 'AGE_60_PLUS', disability: 'UNKNOWN', category: 'GENERAL', count }))
		});
		const pub = await gql<{ node: { attendance: { cells: { protection: string }[] } } }>(
			'query($id: ID!) { node(id: $id) { ... on Event { attendance { cells { protection } } } } }',
			{ id: ev.id }
		);
		expect(pub.node.attendance.cells.filter((c) => c.protection === 'PERTURBED').length, 'cells read back rounded').toBeGreaterThan(0);
		// Support figures may be perturbed too (data page), depending on what has been entered.
		const stats = await gql<{ serviceStats: { rows: { protection: string }[] } }>('{ serviceStats(groupBy: [SUPPORT_TYPE, UNIT]) { rows { protection } } }');
		const perturbedStats = stats.serviceStats.rows.filter((r) => r.protection === 'PERTURBED').length;
		const page = await g.newPage();
		const visible = (f: Locator) =>
			f.evaluate((el) => {
				const c = el.cloneNode(true) as HTMLElement;
				c.querySelectorAll('.visually-hidden').forEach((x) => x.remove());
				return c.textContent;
			});
		const checkMarks = async (marks: Locator, lang: string, why: string) => {
			for (const f of await marks.all()) {
				expect(plain(await visible(f))).toMatch(/^≈ \d/);
				const link = f.locator('a.approx');
				expect(await link.getAttribute('href')).toBe(`/${lang}/method/#suppression`);
				expect((await link.getAttribute('title'))?.toLowerCase()).toContain(why);
				expect(plain(await link.textContent())).toContain(why);
			}
		};
		for (const [lang, why] of [
			['en', 'rounded to protect small counts'],
			['az', 'kiçik sayları qorumaq üçün yuvarlaqlaşdırılıb']
		] as const) {
			await open(page, `/${lang}/programme/${UNDP}/`);
			const card = page.locator(`[data-event="${ev.id}"]`);
			await card.waitFor({ timeout: 20_000 });
			const marks = card.locator('details [data-figure][data-protection="PERTURBED"]');
			expect(await marks.count()).toBeGreaterThan(0);
			await checkMarks(marks, lang, why);
			for (const f of await page.locator('[data-figure][data-protection="EXACT"]').all()) expect(plain(await visible(f))).not.toContain('≈');
			expect(await card.locator('details [data-testid="not-additive"]').count()).toBe(1);

			await open(page, `/${lang}/data/`);
			const rows = page.locator('[data-testid="example-table"] [data-figure][data-protection="PERTURBED"]');
			expect(await rows.count()).toBe(perturbedStats);
			await checkMarks(rows, lang, why);
			expect(await page.getByTestId('not-additive').count()).toBe(perturbedStats > 0 ? 1 : 0);
		}
		await page.close();
	});

	it('shows published figures as the API gives them, in Azerbaijani number style', async () => {
		const ov = await gql<{ projectOverview: { indicators: { code: string; actual: { value: number | null } }[] } }>(
			`query($s: String!) { projectOverview(slug: $s) { indicators { code actual { value } } } }`,
			{ s: UNDP }
		);
		const big = ov.projectOverview.indicators.find((i) => (i.actual.value ?? 0) >= 1000)!;
		const page = await g.newPage();
		await open(page, `/az/programme/${UNDP}/`);
		const cell = page.locator(`tr[data-indicator="${big.code}"] [data-figure]`).first();
		const expected = String(big.actual.value).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
		expect(await cell.innerText()).toContain(expected);
		await page.close();
	});

	it('a CSV download from the data page matches the figures on the page', async () => {
		const page = await g.newPage();
		await open(page, '/en/data/');
		const rows = await page.locator('[data-testid="example-table"] tbody tr').evaluateAll((trs) =>
			trs.map((tr) => ({
				code: tr.getAttribute('data-code') ?? '',
				unit: (tr.getAttribute('data-unit') ?? '').toLowerCase(),
				value: tr.querySelector('[data-figure]')?.getAttribute('data-value') ?? '',
				suppressed: tr.querySelector('[data-figure]')?.getAttribute('data-suppressed') === 'true',
				protection: tr.querySelector('[data-figure]')?.getAttribute('data-protection') ?? '',
				// what a sighted reader sees (without the ≈ link's words for screen readers)
				text: (() => {
					const f = tr.querySelector('[data-figure]')?.cloneNode(true) as HTMLElement | undefined;
					f?.querySelectorAll('.visually-hidden').forEach((x) => x.remove());
					return f?.textContent ?? '';
				})()
			}))
		);
		expect(rows.length).toBeGreaterThan(2);
		const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('example-csv').click()]);
		const csv = (await import('node:fs')).readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
		const header = csv[0].split(',');
		const col = (name: string) => header.indexOf(name);
		const fromCsv = csv.slice(1).map((l) => l.split(','));
		expect(fromCsv.length).toBe(rows.length);
		for (const r of rows) {
			const line = fromCsv.find((c) => c[col('support_type_code')] === r.code && c[col('unit_code')] === r.unit);
			expect(line, `CSV row for ${r.code}/${r.unit}`).toBeTruthy();
			expect(line![col('value')]).toBe(r.value);
			expect(line![col('suppressed')]).toBe(String(r.suppressed));
			if (!r.suppressed) expect(plain(r.text).replace(/,/g, '')).toBe(r.protection === 'PERTURBED' ? `≈ ${r.value}` : r.value);
		}
		await page.close();
	});
});

describe('embeds', () => {
	it('the copied embed code renders the progress card in an iframe on another page', async () => {
		const page = await g.newPage();
		await open(page, `/en/programme/${UNDP}/`);
		const code = await page.locator('#embed-card-code').inputValue();
		expect(code).toContain(`${siteUrl()}/embed/en/programme/${UNDP}/`);
		// The embed code copied to the clipboard is the same text.
		await g.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: siteUrl() });
		await page.locator('#embed-card-code ~ button').click();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
		const other = await otherSite(`<!doctype html><html lang="en"><head><title>Another site</title></head><body><h1>Another site</h1>${code}</body></html>`);
		const ctx = await guardedContext(browser, { allowed: [siteUrl(), apiUrl(), other.url] });
		const host = await ctx.newPage();
		await host.goto(other.url);
		const frame = host.frameLocator('iframe');
		await expect.poll(() => frame.locator('h1').innerText(), { timeout: 15_000 }).toContain('Füzuli-Horadiz');
		expect(await frame.getByTestId('embed-card').locator('li').count()).toBeGreaterThan(0);
		expect(ctx.outside).toEqual([]);
		await page.close();
		await ctx.context.close();
		await other.close();
	});

	it('ordinary pages refuse to be framed by other sites', async () => {
		const other = await otherSite(`<!doctype html><html lang="en"><head><title>x</title></head><body><iframe src="${siteUrl()}/en/" title="x"></iframe></body></html>`);
		const ctx = await guardedContext(browser, { allowed: [siteUrl(), apiUrl(), other.url] });
		const host = await ctx.newPage();
		await host.goto(other.url, { waitUntil: 'load' });
		await host.waitForTimeout(1000);
		const framed = await host.frames()[1]?.evaluate(() => document.title).catch(() => '');
		expect(framed ?? '').not.toContain('Programme progress');
		expect(ctx.errors.join('\n')).toMatch(/frame-ancestors|Refused to frame|X-Frame-Options/i);
		await ctx.context.close();
		await other.close();
	});
});

describe('without JavaScript', () => {
	it('prerendered pages carry their content and figures', async () => {
		const nojs = await guardedContext(browser, { javaScriptEnabled: false, viewport: DESKTOP });
		const page = await nojs.newPage();
		await page.goto(`${siteUrl()}/en/`);
		expect(await page.getByTestId('programme-card').count()).toBe(5);
		expect(plain(await page.getByTestId('head-centres').innerText())).toMatch(/Centres operating \d+/);
		await page.goto(`${siteUrl()}/en/programme/${UNDP}/`);
		expect(await page.locator('h1').innerText()).toContain('Ensuring early recovery');
		expect(await page.locator('[data-testid="indicators"] tbody tr').count()).toBeGreaterThan(0);
		expect(await page.locator('figure.chart svg').count()).toBeGreaterThan(0);
		expect(plain(await page.locator('[data-testid="indicators"]').innerText())).toContain('People trained');
		await page.goto(`${siteUrl()}/az/method/`);
		expect(await page.locator('#suppression').innerText()).toContain('10-dan az');
		expect(nojs.outside).toEqual([]);
		await nojs.context.close();
	});
});

describe('when the API cannot be reached', () => {
	it('keeps the prerendered figures and says that the server could not be reached', async () => {
		const ctx = await guardedContext(browser, { viewport: DESKTOP });
		// Every GraphQL request, persisted GETs (with their query string) included.
		await ctx.context.route((url) => url.pathname === '/graphql', (r) => r.abort('connectionrefused'));
		const page = await ctx.newPage();
		await page.goto(`${siteUrl()}/en/`);
		await expect.poll(() => page.getByTestId('api-error').count()).toBe(1);
		expect(await page.getByTestId('api-error').innerText()).toContain('could not be reached');
		expect(await page.getByTestId('programme-card').count()).toBe(5);
		await ctx.context.close();
	});
});

const PAGES = [
	['home', ''],
	['programme', `programme/${UNDP}`],
	['programme-trafficking', 'programme/mlsp-trafficking-victim-assistance'],
	['district', 'area/az-fuz'],
	['centres', 'centres'],
	['data', 'data'],
	['method', 'method']
] as const;
const EMBEDS = [
	['embed-card', `embed/{lang}/programme/${UNDP}`],
	['embed-map', `embed/{lang}/programme/${UNDP}/map`],
	['embed-indicator', `embed/{lang}/programme/${UNDP}/indicator/works-completed`]
] as const;

describe('phones (360 px)', () => {
	it('no page in either language scrolls sideways, and indicators are cards that fit', async () => {
		const all = await gql<{ projects: { edges: { node: { slug: string } }[] } }>('{ projects(first: 100) { edges { node { slug } } } }');
		const slugs = all.projects.edges.map((e) => e.node.slug);
		expect(slugs.length).toBeGreaterThan(2);
		const phone = await guardedContext(browser, { viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
		const mob = await phone.newPage();
		for (const lang of ['az', 'en'] as const) {
			const paths: [string, string][] = [
				['home', `/${lang}/`],
				...slugs.map((s): [string, string] => [`programme-${s}`, `/${lang}/programme/${s}/`]),
				['district', `/${lang}/area/az-fuz/`],
				['centres', `/${lang}/centres/`],
				['data', `/${lang}/data/`],
				['method', `/${lang}/method/`],
				['manage-login', `/${lang}/manage/`],
				...EMBEDS.map(([n, p]): [string, string] => [n, `/${p.replace('{lang}', lang)}/`])
			];
			for (const [name, path] of paths) {
				await mob.goto(`${siteUrl()}${path}`, { waitUntil: 'networkidle' });
				const size = await mob.evaluate(() => {
					const el = document.scrollingElement!;
					return { scroll: el.scrollWidth, client: el.clientWidth };
				});
				expect(size.scroll, `${path} scrolls sideways at 360 px (${size.scroll} > ${size.client})`).toBeLessThanOrEqual(size.client);
				// The indicators themselves fit: no inner sideways scrolling either.
				for (const t of await mob.locator('[data-testid="indicators"]').all()) {
					const w = await t.evaluate((el) => ({ table: el.scrollWidth, box: el.parentElement!.clientWidth }));
					expect(w.table, `${path}: indicators ${w.table} px in a ${w.box} px box`).toBeLessThanOrEqual(w.box);
					expect(await t.evaluate((el) => getComputedStyle(el.querySelector('tbody tr')!).display)).toBe('block');
				}
				await screenshot(mob, `phone360-${name}-${lang}`);
			}
		}
		expect(phone.outside).toEqual([]);
		expect(phone.errors).toEqual([]);
		await phone.context.close();
	}, 300_000);
});

describe('robots.txt and sitemap.xml', () => {
	it('are real files listing the public pages', async () => {
		const robots = await fetch(`${siteUrl()}/robots.txt`);
		expect(robots.status).toBe(200);
		expect(robots.headers.get('content-type')).toMatch(/^text\/plain/);
		const text = await robots.text();
		expect(text).toMatch(/^User-agent: \*/);
		expect(text).not.toContain('<html');
		const sitemap = await fetch(`${siteUrl()}/sitemap.xml`);
		expect(sitemap.status).toBe(200);
		expect(sitemap.headers.get('content-type')).toMatch(/xml/);
		const xml = await sitemap.text();
		for (const p of ['/az/', '/en/', `/en/programme/${UNDP}/`, `/az/programme/${UNDP}/`, '/en/method/']) expect(xml).toContain(`${p}</loc>`);
		expect(xml).not.toContain('/manage/');
	});

	it('every page has a meta description; a programme page gives its summary in the page language', async () => {
		const data = await gql<{ az: { summary: string }; en: { summary: string } }>(
			`{ az: project(slug: "${UNDP}") { summary(lang: AZ) } en: project(slug: "${UNDP}") { summary(lang: EN) } }`
		);
		const page = await g.newPage();
		for (const lang of ['az', 'en'] as const) {
			await open(page, `/${lang}/programme/${UNDP}/`);
			const d = (await page.locator('meta[name="description"]').getAttribute('content')) ?? '';
			expect(data[lang].summary.replace(/\s+/g, ' ').startsWith(d.replace(/…$/, ''))).toBe(true);
			expect(d.length).toBeGreaterThan(20);
			for (const p of [...PAGES.map(([, p]) => `/${lang}/${p}/`.replace('//', '/')), `/${lang}/manage/`, ...EMBEDS.map(([, p]) => `/${p.replace('{lang}', lang)}/`)]) {
				await open(page, p);
				const metas = await page.locator('meta[name="description"]').evaluateAll((els) => els.map((e) => e.getAttribute('content') ?? ''));
				expect(metas.length, `${p}: one meta description`).toBe(1);
				expect(metas[0].length, p).toBeGreaterThan(20);
			}
		}
		await page.close();
	});
});

describe('every page in both languages', () => {
	for (const lang of ['az', 'en'] as const) {
		it(`has no axe violations, fits 360 px and is screenshotted (${lang})`, async () => {
			const phone = await guardedContext(browser, { viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
			const desk = await g.newPage();
			const mob = await phone.newPage();
			const all = [...PAGES.map(([n, p]) => [n, `/${lang}/${p}/`.replace('//', '/')]), ...EMBEDS.map(([n, p]) => [n, `/${p.replace('{lang}', lang)}/`])];
			for (const [name, path] of all) {
				await open(desk, path);
				expect(await desk.getAttribute('html', 'lang'), path).toBe(lang);
				const v = await axe(desk);
				expect(v, `${path}\n${describeViolations(v)}`).toEqual([]);
				await screenshot(desk, `${name}-${lang}-desktop`);
				await mob.goto(`${siteUrl()}${path}`, { waitUntil: 'networkidle' });
				const overflow = await mob.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
				expect(overflow, `${path} is wider than 360 px`).toBeLessThanOrEqual(0);
				if (!name.startsWith('embed')) await screenshot(mob, `${name}-${lang}-phone`);
			}
			expect(phone.outside).toEqual([]);
			expect([...g.errors, ...phone.errors]).toEqual([]);
			await phone.context.close();
			await desk.close();
		}, 180_000);
	}
});

// Issue 23 (map) and issue 20 (boundaries), and the /manage edit and archive
// of posted updates, in headless Chromium against the real API, on a 360 px
// phone in both languages:
// - the home map's circles have areas proportional to the value the caption
//   names, a legend, and labels that do not overlap each other or another
//   place's circle (measured with the browser's own text boxes);
// - an administrator uploads a realistic boundary file (~0.5 MB, far above the
//   old 20,000-character limit) on /manage, dry run then store, and a file above
//   the cap is refused on the file field;
// - a manager edits a posted update and archives another one with the
//   connection dropped: queued, then sent once when it returns.
// Every page: no horizontal overflow at 360 px, no console error, no outside request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { join } from 'node:path';
import { apiUrl, guardedContext, launchBrowser, PHONE, plain, screenshot, SCREENSHOT_DIR, siteUrl, type GuardedContext } from './harness';
import { ADMIN, MANAGER, SLUG, apiLogin, audit, gql, projectId, rawId, uiLogin, waitOutboxDrained } from './manage-helpers';

let browser: Browser;
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const realErrors = (g: GuardedContext) => g.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e));

beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
});

/** A district-sized ring of `n` positions around a point, as GeoJSON files carry them. */
function ring(lon: number, lat: number, n: number): number[][] {
	const r = Array.from({ length: n }, (_, i) => {
		const a = (i * 2 * Math.PI) / n;
		return [lon + 0.2 * Math.cos(a), lat + 0.15 * Math.sin(a)];
	});
	return [...r, r[0]];
}

describe('the map and edits of posted updates', { timeout: 120_000 }, () => {
	it('sizes circles by the named measure with a legend, and no label overlaps, in both languages at 360 px', async () => {
		const g = await guardedContext(browser, { viewport: PHONE });
		const page = await g.newPage();
		for (const lang of ['az', 'en']) {
			await page.goto(`${siteUrl()}/${lang}/`, { waitUntil: 'networkidle' });
			const map = page.locator('figure.az-map').first();
			expect(await map.getAttribute('data-measure')).toBe('sites');
			expect(plain(await map.locator('figcaption').textContent())).toMatch(lang === 'en' ? /Circle area: the number of centres and infrastructure works/ : /Dairənin sahəsi: .*mərkəzlərin və infrastruktur işlərinin sayı/);
			await map.locator('[data-testid=map-legend]').waitFor();
			const geometry = await map.evaluate((fig) => {
				const circles = [...fig.querySelectorAll<SVGCircleElement>('svg.map-svg circle.symbol')].map((c) => ({ v: Number(c.dataset.value), r: c.r.baseVal.value, box: c.getBBox() }));
				const labels = [...fig.querySelectorAll<SVGTextElement>('svg.map-svg text.place-label')].map((t) => ({ text: t.textContent, box: t.getBBox() }));
				return { circles, labels };
			});
			expect(geometry.circles.length).toBeGreaterThan(2);
			// (In the demo each place has one centre or work: equal circles, as the legend's one size says.)
			// Area ∝ value: r² / v is the same for every circle.
			const k = geometry.circles.map((c) => (c.r * c.r) / c.v);
			for (const x of k) expect(x / k[0]).toBeCloseTo(1, 5);
			const hit = (a: DOMRect, b: DOMRect) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
			const names = geometry.labels.map((l) => l.text);
			expect(names.some((n) => /F[üu]zuli/.test(n ?? '')), names.join(", ")).toBe(true);
			for (let i = 0; i < geometry.labels.length; i++)
				for (let j = i + 1; j < geometry.labels.length; j++)
					expect(hit(geometry.labels[i].box, geometry.labels[j].box), `${names[i]} / ${names[j]}`).toBe(false);
			expect(await overflow(page), `${lang} home at 360 px`).toBeLessThanOrEqual(0);
			await map.screenshot({ path: join(SCREENSHOT_DIR, `phone360-map-${lang}.png`) });
		}
		expect(g.outside).toEqual([]);
		expect(g.errors).toEqual([]);
		await g.context.close();
	});

	it('takes a realistic boundary file on /manage (dry run, then store) and refuses one above the cap on the file', async () => {
		const g = await guardedContext(browser, { viewport: PHONE });
		const page = await g.newPage();
		await uiLogin(page, siteUrl(), ADMIN, 'en');
		await page.goto(`${siteUrl()}/en/manage/admin/boundaries/`);
		await page.waitForSelector('[data-testid=boundary-form]');
		const file = JSON.stringify({
			type: 'FeatureCollection',
			features: [
				{ type: 'Feature', properties: { name: 'Füzuli' }, geometry: { type: 'Polygon', coordinates: [ring(47.15, 39.6, 12_000)] } },
				{ type: 'Feature', properties: { name: 'Atlantis' }, geometry: { type: 'Polygon', coordinates: [ring(49, 41, 5)] } }
			]
		});
		expect(file.length).toBeGreaterThan(300_000);
		await page.selectOption('#b-kind', 'DISTRICT');
		await page.setInputFiles('#b-file', { name: 'districts.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(file) });
		await page.click('[data-testid=boundary-check]');
		await page.waitForSelector('[data-testid=boundary-report]');
		expect(await page.locator('[data-testid=boundary-report] tr[data-matched=yes]').count()).toBe(1);
		expect(await page.locator('[data-testid=boundary-report] tr[data-matched=no]').count()).toBe(1);
		expect(await overflow(page), 'boundary report at 360 px').toBeLessThanOrEqual(0);
		await page.click('[data-testid=boundary-store]');
		await page.waitForSelector('[data-testid=boundary-notice]');
		expect(await page.locator('[data-testid=boundary-notice]').getAttribute('class')).toContain('ok');
		const stored = await gql(apiUrl(), '{ areaBoundaries(kind: DISTRICT) { areaId geometry } }');
		const fuzuli = stored.areaBoundaries.find((b: { geometry: { coordinates: number[][][] } }) => b.geometry.coordinates[0].length === 12_001);
		expect(fuzuli, 'the 12,000-position ring is stored whole').toBeTruthy();
		await screenshot(page, 'phone360-manage-boundaries-en');

		// Above the cap: refused on the file field before anything is sent.
		await page.setInputFiles('#b-file', { name: 'huge.geojson', mimeType: 'application/geo+json', buffer: Buffer.alloc(8 * 1024 * 1024 + 1, 32) });
		await page.waitForSelector('#b-file-err');
		expect(await page.getAttribute('#b-file', 'aria-describedby')).toBe('b-file-err');
		expect(g.outside).toEqual([]);
		expect(g.errors).toEqual([]);
		await g.context.close();
	});

	it('lets a manager edit one posted update and archive another through the outbox, offline too, in az and en at 360 px', async () => {
		const token = await apiLogin(apiUrl(), MANAGER);
		const admin = await apiLogin(apiUrl(), ADMIN);
		const pid = await projectId(apiUrl());
		const post = async (textEn: string) =>
			(
				await gql(
					apiUrl(),
					'mutation($k:String!,$i:ProgrammeUpdateInput!){ postProgrammeUpdate(idempotencyKey:$k, input:$i){ update { id version } userErrors { code } } }',
					{ k: `edit-e2e-${textEn}`, i: { projectId: pid, postedOn: '2021-10-20', textEn } },
					token
				)
			).postProgrammeUpdate.update as { id: string };
		const stamp = Date.now().toString(36);
		const toEdit = await post(`Tractors arrived ${stamp}`);
		const toArchive = await post(`Posted by mistake ${stamp}`);

		const g = await guardedContext(browser, { viewport: PHONE });
		const page = await g.newPage();
		await uiLogin(page, siteUrl(), MANAGER, 'az');
		await page.goto(`${siteUrl()}/az/manage/project/${SLUG}/updates/`);
		const item = page.locator(`[data-testid=posted-update][data-id="${toEdit.id}"]`);
		await item.waitFor();
		await item.locator('[data-testid=update-edit]').click();
		const form = item.locator('[data-testid=update-edit-form]');
		await form.waitFor();
		expect(await form.locator('textarea[lang=en]').inputValue()).toBe(`Tractors arrived ${stamp}`);
		await form.locator('textarea[lang=az]').fill(`Traktorlar gəldi ${stamp}`);
		expect(await overflow(page), 'edit form at 360 px (az)').toBeLessThanOrEqual(0);
		await screenshot(page, 'phone360-manage-update-edit-az');
		await form.locator('button[type=submit]').click();
		await item.locator('[data-testid=update-edit-form]').waitFor({ state: 'detached', timeout: 20_000 });
		await expect.poll(async () => plain(await item.textContent()), { timeout: 20_000 }).toContain(`Traktorlar gəldi ${stamp}`);

		// Archive in English, with the connection dropped as it is tapped.
		await page.goto(`${siteUrl()}/en/manage/project/${SLUG}/updates/`);
		const gone = page.locator(`[data-testid=posted-update][data-id="${toArchive.id}"]`);
		await gone.waitFor();
		await gone.locator('[data-testid=update-archive]').click();
		const confirm = gone.locator('[data-testid=update-archive-form]');
		await confirm.waitFor();
		expect(await overflow(page), 'archive confirmation at 360 px (en)').toBeLessThanOrEqual(0);
		const height = await gone.locator('[data-testid=update-archive]').evaluate((b) => b.getBoundingClientRect().height);
		expect(height, 'a thumb-sized button').toBeGreaterThanOrEqual(44);
		await g.context.setOffline(true);
		await confirm.locator('button[type=submit]').click();
		await confirm.locator('.notice.warn').waitFor();
		await g.context.setOffline(false);
		await page.goto(`${siteUrl()}/en/manage/outbox/`);
		await waitOutboxDrained(page);

		// As the public reads it (administrators also see archived records).
		const read = await gql(apiUrl(), 'query($s:String!){ project(slug:$s){ updates(first: 50) { nodes { id textAz textEn } } } }', { s: SLUG });
		const ids = read.project.updates.nodes.map((u: { id: string }) => u.id);
		expect(ids).toContain(toEdit.id);
		expect(ids, 'archived: gone from the programme').not.toContain(toArchive.id);
		expect(read.project.updates.nodes.find((u: { id: string }) => u.id === toEdit.id).textAz).toBe(`Traktorlar gəldi ${stamp}`);
		const trail = (await audit(apiUrl(), admin, 'programme_update')).filter((a) => [rawId(toEdit.id), rawId(toArchive.id)].includes(a.entityId));
		expect(trail.map((a) => a.action).sort(), 'each change written once').toEqual(['update.archive', 'update.edit', 'update.post', 'update.post']);
		expect(g.outside).toEqual([]);
		expect(realErrors(g)).toEqual([]);
		await g.context.close();
	});
});

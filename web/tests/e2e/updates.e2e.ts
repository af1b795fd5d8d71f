// Issue 23, dated updates and period narratives, in headless Chromium against
// the real API:
// - a manager on a 360 px phone in /az/ posts an update with a phone photo
//   whose EXIF carries a GPS position, typing the text in Azerbaijani only;
//   the photo is shrunk on the device and again on the server, and the copy
//   the public fetches carries no EXIF;
// - the public programme page shows the update at 360 px and on a desktop in
//   both languages (on /en/ marked "in Azerbaijani"), with the photo loaded,
//   no sideways scroll, and a link to the programme's Atom feed, which
//   carries the text;
// - the manager writes a period's narrative in English at 360 px; the donor
//   report shows it in both languages (on /az/ marked "in English").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiUrl, DESKTOP, guardedContext, launchBrowser, PHONE, plain, screenshot, siteUrl } from './harness';
import { apiLogin, gql, MANAGER, projectId, SLUG, uiLogin } from './manage-helpers';

const PHOTO = join(import.meta.dirname, 'fixtures', 'field-photo-with-gps.jpg');
const TEXT_AZ = 'Horadizdə ikinci suvarma kanalı yenidən su daşıyır; 40 ailənin bağına su çatır.';
const NARRATIVE_EN = 'In 2021 the three community resource centres opened and the first trainings were held.';
let browser: Browser;
const started = Date.now();
beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	console.log(`[updates e2e] ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Whether a JPEG has an APP1 (EXIF/XMP) segment before its image data. */
function hasApp1(jpeg: Uint8Array): boolean {
	let i = 2;
	while (i + 4 <= jpeg.length && jpeg[i] === 0xff) {
		const marker = jpeg[i + 1];
		if (marker === 0xe1) return true;
		if (marker === 0xda) return false;
		i += 2 + ((jpeg[i + 2] << 8) | jpeg[i + 3]);
	}
	return false;
}

describe('issue 23: dated updates and period narratives', { timeout: 180_000 }, () => {
	it('a manager at 360 px posts an update with a GPS-tagged photo; the public reads it in both languages without the position', async () => {
		const original = readFileSync(PHOTO);
		expect(hasApp1(original), 'the fixture carries EXIF').toBe(true);
		expect(original.includes(Buffer.from('TestCam'))).toBe(true);

		const g = await guardedContext(browser, { viewport: PHONE, locale: 'az-AZ' });
		const page = await g.newPage();
		await uiLogin(page, siteUrl(), MANAGER, 'az');
		await page.goto(`${siteUrl()}/az/manage/project/${SLUG}/`);
		await page.click('[data-testid=updates-link]');
		await page.waitForSelector('[data-testid=update-form]');
		await page.fill('#up-az', TEXT_AZ);
		await page.setInputFiles('#up-files', PHOTO);
		await page.waitForSelector('[data-testid=prepared-files]');
		expect(await overflow(page), 'the manage screen at 360 px').toBeLessThanOrEqual(0);
		await screenshot(page, 'updates-manage-az-phone');
		await page.click('[data-testid=update-form] button[type=submit]');
		await page.waitForSelector('[data-testid=update-form] .notice.ok', { timeout: 30_000 });
		await page.locator('[data-testid=posted-updates] li', { hasText: 'Horadizdə ikinci suvarma' }).waitFor();
		expect(g.outside).toEqual([]);
		expect(g.errors).toEqual([]);
		await g.context.close();

		for (const lang of ['az', 'en'] as const) {
			for (const viewport of [PHONE, DESKTOP]) {
				const pub = await guardedContext(browser, { viewport, locale: lang === 'az' ? 'az-AZ' : 'en-GB' });
				const p = await pub.newPage();
				await p.goto(`${siteUrl()}/${lang}/programme/${SLUG}/`);
				const item = p.locator('[data-testid=updates] li[data-update]', { hasText: 'Horadizdə ikinci suvarma' });
				await item.waitFor({ timeout: 20_000 });
				// On /en/ the Azerbaijani text is shown, marked as such (never a blank).
				if (lang === 'en') expect(plain(await item.locator('[data-testid=other-lang]').textContent())).toBe('(in Azerbaijani)');
				const img = item.locator('img');
				await img.scrollIntoViewIfNeeded();
				await p.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0, await img.elementHandle(), { timeout: 20_000 });
				expect(await overflow(p), `${lang} ${viewport.width}: programme page`).toBeLessThanOrEqual(0);
				await item.screenshot({ path: join(import.meta.dirname, '..', '..', 'test-results', 'screenshots', `updates-${lang}-${viewport.width}.png`) });
				if (viewport === PHONE) await screenshot(p, `programme-with-update-${lang}-phone`);
				// The copy everyone fetches: shrunk, and without EXIF (no GPS, no camera).
				const src = await img.getAttribute('src');
				const served = new Uint8Array(await (await fetch(new URL(src!, siteUrl()))).arrayBuffer());
				expect(hasApp1(served), 'no EXIF segment in the served photo').toBe(false);
				expect(Buffer.from(served).includes(Buffer.from('TestCam'))).toBe(false);
				expect(pub.outside).toEqual([]);
				expect(pub.errors).toEqual([]);
				await pub.context.close();
			}
		}
		// The programme's Atom feed carries the update.
		const feed = await (await fetch(`${apiUrl()}/feeds/programme/${SLUG}.atom?lang=az`)).text();
		expect(feed).toContain('Horadizdə ikinci suvarma');
	});

	it('a manager writes a period narrative at 360 px; the donor report shows it in both languages', async () => {
		const g = await guardedContext(browser, { viewport: PHONE });
		const page = await g.newPage();
		await uiLogin(page, siteUrl(), MANAGER, 'en');
		await page.goto(`${siteUrl()}/en/manage/project/${SLUG}/updates/`);
		await page.waitForSelector('[data-testid=narrative-form]');
		await page.fill('#nr-start', '2021-01-01');
		await page.fill('#nr-end', '2021-12-31');
		await page.fill('#nr-en', NARRATIVE_EN);
		expect(await overflow(page)).toBeLessThanOrEqual(0);
		await page.click('[data-testid=narrative-form] button[type=submit]');
		await page.waitForSelector('[data-testid=narrative-form] .notice.ok', { timeout: 30_000 });
		await screenshot(page, 'narrative-manage-en-phone');
		await g.context.close();
		// The period's money, through the API (the form sends the same mutation).
		const token = await apiLogin(apiUrl(), MANAGER);
		const money = await gql(
			apiUrl(),
			'mutation($p:ID!){ setPeriodFinance(idempotencyKey:"e2e-money", input:{projectId:$p, periodStart:"2021-01-01", periodEnd:"2021-12-31", budgetAmount:400000, spentAmount:310500, currency:"USD"}){ userErrors { code } } }',
			{ p: await projectId(apiUrl()) },
			token
		);
		expect(money.setPeriodFinance.userErrors).toEqual([]);

		for (const lang of ['az', 'en'] as const) {
			for (const viewport of [PHONE, DESKTOP]) {
				const pub = await guardedContext(browser, { viewport });
				const p = await pub.newPage();
				await p.goto(`${siteUrl()}/${lang}/programme/${SLUG}/report/`);
				const n = p.locator('[data-testid=report-narrative]', { hasText: 'three community resource centres' });
				await n.waitFor({ timeout: 20_000 });
				expect(plain(await n.locator('h3').textContent())).toContain(lang === 'az' ? '01.01.2021' : '1 Jan 2021');
				if (lang === 'az') expect(plain(await n.locator('[data-testid=other-lang]').textContent())).toBe('(ingiliscə)');
				// Money beside progress: the period's budget and spending with the share spent.
				const fin = plain(await p.locator('[data-testid=finances]').textContent());
				expect(fin).toContain('400');
				expect(fin).toContain('310');
				expect(fin).toContain('78');
				expect(await overflow(p), `${lang} ${viewport.width}: report`).toBeLessThanOrEqual(0);
				await screenshot(p, `report-narrative-${lang}-${viewport === PHONE ? 'phone' : 'desktop'}`);
				expect(pub.outside).toEqual([]);
				await pub.context.close();
			}
		}
	});
});

// The site opens in both languages from the real API, with nothing loaded from outside.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axe, describeViolations, guardedContext, launchBrowser, siteUrl } from './harness';

let browser: Browser;
beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
});

describe('the site shell', () => {
	for (const lang of ['az', 'en'] as const) {
		it(`home (${lang}) lists the programmes from the API with no outside request and no axe violation`, async () => {
			const g = await guardedContext(browser);
			const page = await g.newPage();
			await page.goto(`${siteUrl()}/${lang}/`);
			await expect.poll(() => page.locator('main li a').count()).toBeGreaterThanOrEqual(5);
			expect(await page.getAttribute('html', 'lang')).toBe(lang);
			const v = await axe(page);
			expect(v, describeViolations(v)).toEqual([]);
			expect(g.outside).toEqual([]);
			await g.context.close();
		});
	}
});

describe('the outside-request guard', () => {
	it('blocks and records a request to another host', async () => {
		// The site's CSP already stops such a request in the page; the guard must
		// catch it even without that, so this context ignores the CSP.
		const g = await guardedContext(browser, { bypassCSP: true });
		const page = await g.newPage();
		await page.goto(`${siteUrl()}/en/method/`);
		await page.evaluate(() => fetch('http://198.51.100.7/track.gif', { mode: 'no-cors' }).catch(() => null));
		expect(g.outside).toEqual(['http://198.51.100.7/track.gif']);
		await g.context.close();
	});
});

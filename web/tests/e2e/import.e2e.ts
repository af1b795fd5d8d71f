// Importing a spreadsheet from /manage in headless Chromium: download the
// project's template, fill it with a library (exceljs), upload it, see the
// refused row with its column and code, fix it, confirm, upload the same file
// again (all unchanged), see the figures on the public side; a file chosen
// offline waits and is checked when the connection returns; both languages;
// 360 px without sideways scrolling; no request leaves the two origins.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { guardedContext, launchBrowser } from './harness';
import { startApi } from './stack.mjs';
import { gql, MANAGER, SLUG, uiLogin } from './manage-helpers';

let browser: Browser;
let api: { url: string; stop: () => Promise<unknown> };
beforeAll(async () => {
	browser = await launchBrowser();
	api = await startApi({ port: inject('portBase') + 40, env: { WEB_DIR: inject('buildDir') } });
});
afterAll(async () => {
	await browser?.close();
	await api?.stop();
});

async function upload(page: Page, buffer: Buffer) {
	await page.setInputFiles('#import-file', { name: 'filled.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
	await page.click('[data-testid=import-check]');
	await page.waitForSelector('[data-testid=import-report], [data-testid=import-notice]');
}

async function fill(template: Buffer, category: string, title: string): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(template as unknown as ArrayBuffer);
	const ws = wb.worksheets.find((w) => w.state === 'visible')!;
	const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
	const put = (row: number, values: Record<string, string | number>) => {
		for (const [name, v] of Object.entries(values)) ws.getRow(row).getCell(header.indexOf(name) + 1).value = v;
	};
	put(2, { 'Title (az)': `${title} az`, 'Title (en)': title, 'Event kind': 'Training', 'Start date': '12.12.2024', Centre: 'Füzuli Community Resource Centre', Sex: 'Female', Category: 'Young people', Participants: 14 });
	put(3, { 'Title (en)': title, Sex: 'Male', Category: category, Participants: 9 });
	return Buffer.from(await wb.xlsx.writeBuffer());
}

it('a manager imports a filled template, fixes a refused row, confirms, and re-imports it unchanged', { timeout: 180_000 }, async () => {
	const site = api.url;
	const g = await guardedContext(browser, { allowed: [site], viewport: { width: 360, height: 800 } });
	const page = await g.newPage();
	await uiLogin(page, site, MANAGER);
	await page.goto(`${site}/en/manage/project/${SLUG}/import/`);
	await page.waitForSelector('[data-testid=import-form]');
	await page.check('[data-testid=import-kind-events]');

	const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=import-template]')]);
	const template = readFileSync((await download.path())!);
	const title = `Imported in the browser ${Date.now()}`;

	// An undeclared category: refused on its row, with the column and the code; nothing stored.
	await upload(page, await fill(template, 'Trafficking victims and people at risk', title));
	expect(await page.textContent('[data-testid=import-row-3]')).toContain('CATEGORY_NOT_DECLARED');
	expect(await page.textContent('[data-testid=import-row-3]')).toContain('category');
	expect(await page.locator('[data-testid=import-confirm]').count()).toBe(0);
	let overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);

	// Fixed in the sheet, uploaded again, confirmed.
	const fixed = await fill(template, 'Young people', title);
	await upload(page, fixed);
	expect(await page.textContent('[data-testid=import-totals]')).toMatch(/2 new/);
	await page.click('[data-testid=import-confirm]');
	await page.waitForFunction(() => /Stored/.test(document.querySelector('[data-testid=import-notice]')?.textContent ?? ''));

	// The same file again: every row unchanged, nothing to store.
	await upload(page, fixed);
	await page.waitForSelector('[data-testid=import-nothing]');
	expect(await page.textContent('[data-testid=import-totals]')).toMatch(/0 new, 0 changed, 2 unchanged/);

	// The public sees the event, its total protected (not the raw 23 unless exact is safe).
	const pub = await gql(api.url, 'query($s:String!){ project(slug:$s){ events(first: 100) { nodes { title(lang: EN) attendance { total { value protection } } } } } }', { s: SLUG });
	const ours = (pub.project.events.nodes as any[]).filter((e) => e.title === title);
	expect(ours).toHaveLength(1);
	expect(['EXACT', 'PERTURBED', 'WITHHELD']).toContain(ours[0].attendance.total.protection);

	// Offline: the file waits in the browser, and is checked when the connection returns.
	await g.context.setOffline(true);
	await page.setInputFiles('#import-file', { name: 'offline.xlsx', mimeType: 'application/octet-stream', buffer: fixed });
	await page.click('[data-testid=import-check]');
	await page.waitForSelector('[data-testid=import-waiting]');
	await g.context.setOffline(false);
	await page.waitForSelector('[data-testid=import-nothing]', { timeout: 30_000 });
	expect(await page.locator('[data-testid=import-waiting]').count()).toBe(0);

	// In Azerbaijani, at 360 px.
	await page.goto(`${site}/az/manage/project/${SLUG}/import/`);
	await page.waitForSelector('[data-testid=import-form]');
	expect(await page.textContent('h1')).toBe('Cədvəldən idxal');
	overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	expect(overflow).toBeLessThanOrEqual(0);
	expect(g.outside).toEqual([]);
	await g.context.close();
});

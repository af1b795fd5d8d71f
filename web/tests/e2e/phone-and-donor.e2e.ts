// Issue 23, the parts for managers on a phone, administrators and donors, in
// headless Chromium against the real API:
// - a manager on a 360 px phone in /az/ reaches Save without scrolling, types
//   dates as dd.mm.yyyy, fills the attendance grid as cards (no sideways
//   scroll, caption in view), gives the title in one language only, saves
//   offline and the entry is stored exactly once when the connection returns;
//   the public page shows that title to English readers marked "in Azerbaijani";
// - the approval screen, at 1366 and 360 px in both languages, is headed
//   "Approve a reporting period" and shows the period's events, participants
//   and service counts beside the buttons; the audit trail reads field: old → new;
// - the donor report of a programme, at 1366 and 360 px in both languages, has no
//   sideways scroll, hides the site's navigation in print, and its PDF (printed by
//   Chromium, read back with pdf.js) carries the title, the progress against
//   targets with the API's figures, and the sources.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { apiUrl, guardedContext, launchBrowser, PHONE, plain, screenshot, siteUrl } from './harness';
import { ADMIN, apiCreateEvent, apiLogin, audit, eventsTitled, gql, MANAGER, projectId, rawId, SLUG, uiLogin, waitOutboxDrained } from './manage-helpers';

const WIDE = { width: 1366, height: 900 };
let browser: Browser;
let admin: string;
let manager: string;
const started = Date.now();
beforeAll(async () => {
	browser = await launchBrowser();
	admin = await apiLogin(apiUrl(), ADMIN);
	manager = await apiLogin(apiUrl(), MANAGER);
});
afterAll(async () => {
	await browser?.close();
	console.log(`[phone-and-donor e2e] ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Whether the element is inside the viewport and is what a tap at its centre reaches. */
async function reachable(page: Page, selector: string): Promise<boolean> {
	return page.evaluate((sel) => {
		const el = document.querySelector(sel) as HTMLElement | null;
		if (!el) return false;
		const r = el.getBoundingClientRect();
		if (r.top < 0 || r.bottom > window.innerHeight || r.left < 0 || r.right > window.innerWidth || r.height === 0) return false;
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return !!hit && (hit === el || el.contains(hit));
	}, selector);
}

/** The text of a PDF, page after page, with its spaces made plain. */
async function pdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
	const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, disableFontFace: true, useSystemFonts: false }).promise;
	const parts: string[] = [];
	for (let i = 1; i <= doc.numPages; i++) {
		const c = await (await doc.getPage(i)).getTextContent();
		parts.push(c.items.map((t) => ('str' in t ? t.str + (t.hasEOL ? ' ' : '') : '')).join(''));
	}
	return { pages: doc.numPages, text: plain(parts.join(' ')) };
}

describe('issue 23: phones, approvals, donor reports', { timeout: 120_000 }, () => {
	it('a manager on a 360 px phone in /az/: Save in reach, dd.mm.yyyy dates, grid as cards, one title language, offline entry stored once', async () => {
		const g = await guardedContext(browser, { viewport: PHONE, locale: 'az-AZ' });
		const page = await g.newPage();
		await uiLogin(page, siteUrl(), MANAGER, 'az');
		await page.goto(`${siteUrl()}/az/manage/project/${SLUG}/event/new/`);
		await page.waitForSelector('[data-testid=event-form]');
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
		await page.waitForLoadState('networkidle');
		// Save is on screen and tappable as the form opens (it sticks to the bottom of the screen).
		expect(await reachable(page, '[data-testid=event-save]'), 'Save is reachable without scrolling').toBe(true);
		// The grid: cards, no sideways scroll, its caption fully in view.
		expect(await overflow(page)).toBeLessThanOrEqual(0);
		const grid = await page.evaluate(() => {
			const wrap = document.querySelector('[data-testid=grid-wrap]') as HTMLElement;
			const cap = document.querySelector('[data-testid=attendance-grid] caption') as HTMLElement;
			const r = cap.getBoundingClientRect();
			return { scrolls: wrap.scrollWidth - wrap.clientWidth, capLeft: r.left, capRight: r.right, capClipped: cap.scrollWidth - cap.clientWidth, width: window.innerWidth };
		});
		expect(grid.scrolls, 'the grid does not scroll sideways').toBeLessThanOrEqual(0);
		expect(grid.capLeft).toBeGreaterThanOrEqual(0);
		expect(grid.capRight).toBeLessThanOrEqual(grid.width);
		expect(grid.capClipped).toBeLessThanOrEqual(0);
		// Each cell says which sex and age band it is for.
		expect(plain(await page.locator('[data-testid=attendance-grid] tbody td .cell-label').first().textContent())).toMatch(/^Qadın · /);
		// After scrolling to the grid, Save is still in reach.
		await page.locator('#grid-r0-c0').scrollIntoViewIfNeeded();
		expect(await reachable(page, '[data-testid=event-save]')).toBe(true);

		// Dates: a text field typed as dd.mm.yyyy; a day the month does not have is refused before anything is queued.
		expect(await page.getAttribute('#ev-startDate', 'type')).toBe('text');
		expect(await page.getAttribute('#ev-startDate', 'placeholder')).toBe('gg.aa.iiii');
		const title = `Yalnız azərbaycanca ${Date.now()}`;
		await page.fill('#ev-titleAz', title);
		await page.fill('#ev-startDate', '31.02.2021');
		await page.click('[data-testid=event-save]');
		await page.waitForSelector('#err-startDate');
		expect(await page.getAttribute('#ev-startDate', 'aria-invalid')).toBe('true');
		expect(await eventsTitled(apiUrl(), admin, title)).toEqual([]);
		await page.fill('#ev-startDate', '15.09.2021');
		await page.fill('#ev-endDate', '16.9.2021');
		const cells = page.locator('[data-testid=attendance-grid] input.cell');
		for (let i = 0; i < 6; i++) await cells.nth(i).fill(String(i + 3));
		await screenshot(page, 'manage-event-form-az-phone-filled');

		// The connection drops as Save is tapped: kept on the device, sent once when it returns.
		await g.context.setOffline(true);
		await page.click('[data-testid=event-save]');
		expect(await page.textContent('[data-testid=form-notice]')).toMatch(/Bu cihazda saxlanıldı/);
		await g.context.setOffline(false);
		await page.goto(`${siteUrl()}/az/manage/outbox/`);
		await waitOutboxDrained(page);
		const stored = await eventsTitled(apiUrl(), admin, title);
		expect(stored).toHaveLength(1);
		expect(stored[0].attendance.total.value).toBe(3 + 4 + 5 + 6 + 7 + 8);
		expect((await audit(apiUrl(), admin, 'event', rawId(stored[0].id))).map((a) => a.action)).toEqual(['event.create']);
		const read = await gql(apiUrl(), 'query($id:ID!){ node(id:$id){ ... on Event { startDate endDate en: title(lang: EN) enLang: titleLang(lang: EN) } } }', { id: stored[0].id });
		expect(read.node).toEqual({ startDate: '2021-09-15', endDate: '2021-09-16', en: title, enLang: 'AZ' });

		// English readers see the Azerbaijani title, marked, never a blank.
		const pub = await guardedContext(browser, { viewport: PHONE });
		const pp = await pub.newPage();
		await pp.goto(`${siteUrl()}/en/programme/${SLUG}/`);
		const card = pp.locator(`li.card[data-event="${stored[0].id}"]`);
		await card.waitFor({ timeout: 20_000 });
		expect(plain(await card.locator('h3').textContent())).toBe(`${title} (in Azerbaijani)`);
		expect(await card.locator('h3 [lang=az]').count()).toBe(1);
		expect(g.outside).toEqual([]);
		expect(pub.outside).toEqual([]);
		expect([...g.errors, ...pub.errors].filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e))).toEqual([]);
		await pub.context.close();
		await g.context.close();
	});

	it("the approval screen shows the period's figures beside the decision (1366 and 360 px, az and en); the audit trail reads field: old → new", async () => {
		// A 2018 period with two events and a month of service counts, submitted by the manager.
		const pid = await projectId(apiUrl());
		const stamp = Date.now();
		const cell = (sex: string, count: number) => ({ sex, ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count });
		const a = await apiCreateEvent(apiUrl(), manager, { titleAz: `Dövr A ${stamp}`, titleEn: `Period A ${stamp}`, startDate: '2018-03-01', attendance: [cell('FEMALE', 12), cell('MALE', 9)] });
		await apiCreateEvent(apiUrl(), manager, { titleAz: `Dövr B ${stamp}`, titleEn: `Period B ${stamp}`, startDate: '2018-06-01', attendance: [cell('FEMALE', 7)] });
		const sc = await gql(
			apiUrl(),
			'mutation($p:ID!){ setServiceCounts(idempotencyKey:"sc-2018-05", input:{projectId:$p, periodStart:"2018-05-01", periodEnd:"2018-05-31", counts:[{supportType:BUSINESS, channel:WALK_IN, stage:RECEIVED, unit:PERSONS, value:321}]}){ userErrors { field code message } } }',
			{ p: pid },
			manager
		);
		expect(sc.setServiceCounts.userErrors).toEqual([]);
		const sub = await gql(apiUrl(), 'mutation($p:ID!){ submitReport(idempotencyKey:"r-2018", input:{projectId:$p, periodStart:"2018-01-01", periodEnd:"2018-12-31"}){ report { id } userErrors { code } } }', { p: pid }, manager);
		expect(sub.submitReport.userErrors).toEqual([]);
		// An edit leaves a before/after the audit trail can show.
		await gql(apiUrl(), 'mutation($i:UpdateEventInput!){ updateEvent(idempotencyKey:"audit-diff", input:$i){ userErrors { code } } }', { i: { id: a.id, version: 1, titleEn: `Period A renamed ${stamp}` } }, manager);

		const combos: [string, { width: number; height: number }][] = [
			['en', WIDE],
			['az', PHONE],
			['az', WIDE],
			['en', PHONE]
		];
		for (const [i, [lang, viewport]] of combos.entries()) {
			const g = await guardedContext(browser, { viewport });
			const page = await g.newPage();
			await uiLogin(page, siteUrl(), ADMIN, lang);
			await page.goto(`${siteUrl()}/${lang}/manage/admin/reports/`);
			const queued = page.locator('[data-testid=queued-report]', { hasText: lang === 'az' ? '01.01.2018' : '1 Jan 2018' });
			await queued.waitFor();
			expect(plain(await page.textContent('#q-title'))).toBe(lang === 'az' ? 'Hesabat dövrünü təsdiqləyin' : 'Approve a reporting period');
			const figures = queued.locator('[data-testid=period-figures]');
			expect(plain(await figures.locator('[data-testid=period-events]').textContent())).toMatch(/^2 \(2 (held|keçirilib)\)$/);
			expect(plain(await figures.locator('[data-testid=period-attendance]').textContent())).toBe('28');
			expect(plain(await figures.locator('[data-testid=period-service]').textContent())).toContain('321');
			// The figures and the decision are on screen together.
			expect(await figures.isVisible()).toBe(true);
			expect(await queued.locator('[data-testid^=decide-] button[type=submit]').isVisible()).toBe(true);
			expect(await overflow(page), `${lang} ${viewport.width}: reports`).toBeLessThanOrEqual(0);
			await screenshot(page, `manage-approval-${lang}-${viewport.width}`);
			if (i === 0) {
				await page.goto(`${siteUrl()}/${lang}/manage/admin/audit/?type=event&id=${rawId(a.id)}`);
				const row = page.locator('[data-testid=audit-row][data-action="event.update"]');
				await row.waitFor();
				const lines = await row.locator('[data-testid=audit-change]').allTextContents();
				expect(lines.map(plain)).toContain(`title_en: Period A ${stamp} → Period A renamed ${stamp}`);
				expect(lines.map(plain)).toContain('version: 1 → 2');
				expect(await page.locator('[data-testid=audit-table]').textContent()).not.toContain('{"');
				await screenshot(page, `manage-audit-diff-${lang}`);
			}
			if (i === combos.length - 1) {
				// The last one approves it, from the phone.
				await queued.locator('[data-testid^=decide-] button[type=submit]').click();
				await page.locator('[data-testid=report-APPROVED]', { hasText: '1 Jan 2018' }).waitFor({ timeout: 20_000 });
			}
			expect(g.outside).toEqual([]);
			await g.context.close();
		}
		const reports = (await gql(apiUrl(), 'query($p:ID){ reports(projectId:$p){ periodStart status } }', { p: pid }, admin)).reports;
		expect(reports.find((r: { periodStart: string }) => r.periodStart === '2018-01-01').status).toBe('APPROVED');
	});

	it('the donor report prints on A4 in both languages with the progress against targets, and reads on 1366 and 360 px screens', async () => {
		const ov = (lang: string) =>
			gql(apiUrl(), 'query($s:String!,$l:Lang!){ projectOverview(slug:$s, lang:$l){ indicators { code title(lang:$l) target actual { value suppressed } } sources { title(lang:$l) } } project(slug:$s){ title(lang:$l) } }', { s: SLUG, l: lang.toUpperCase() });
		for (const lang of ['en', 'az']) {
			const api = await ov(lang);
			const targeted = (api.projectOverview.indicators as { code: string; title: string; target: number | null; actual: { value: number | null; suppressed: boolean } }[]).filter((x) => x.target != null);
			expect(targeted.length).toBeGreaterThan(0);
			const g = await guardedContext(browser, { viewport: WIDE });
			const page = await g.newPage();
			// Reached from the programme page.
			await page.goto(`${siteUrl()}/${lang}/programme/${SLUG}/`);
			await page.click('[data-testid=report-link]');
			await page.waitForSelector('[data-testid=donor-report]');
			await page.waitForLoadState('networkidle');
			expect(await overflow(page)).toBeLessThanOrEqual(0);
			for (const ind of targeted) expect(await page.locator(`[data-testid=report-progress] tr[data-indicator="${ind.code}"]`).count()).toBe(1);
			await screenshot(page, `report-${lang}-desktop`);
			// Print: no site navigation, A4 pages.
			await page.emulateMedia({ media: 'print' });
			expect(await page.locator('header.site-header').isVisible()).toBe(false);
			expect(await page.locator('[data-testid=report-print]').isVisible()).toBe(false);
			const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: false });
			await page.emulateMedia({ media: 'screen' });
			const { pages, text } = await pdfText(pdf);
			expect(pages).toBeGreaterThanOrEqual(1);
			const heading = lang === 'az' ? 'Hədəflərə qarşı irəliləyiş' : 'Progress against targets';
			expect(text).toContain(heading);
			expect(text).toContain(lang === 'az' ? 'Mənbələr' : 'Sources');
			expect(text.replace(/\s/g, '')).toContain(plain(api.project.title).replace(/\s/g, ''));
			const fmt = (n: number) => (lang === 'az' ? n.toLocaleString('en').replace(/,/g, ' ') : n.toLocaleString('en'));
			for (const ind of targeted) {
				expect(text.replace(/\s/g, '')).toContain(plain(ind.title).replace(/\s/g, ''));
				if (!ind.actual.suppressed && ind.actual.value != null) expect(text).toContain(fmt(ind.actual.value));
			}
			expect(text).not.toMatch(/Mərkəzlər Məlumatlar Metod|Home Centres Data Method/);
			// A phone: no sideways scroll, the progress table as cards.
			await page.setViewportSize(PHONE);
			expect(await overflow(page), `${lang} report at 360 px`).toBeLessThanOrEqual(0);
			await screenshot(page, `report-${lang}-phone`);
			expect(g.outside).toEqual([]);
			expect(g.errors).toEqual([]);
			await g.context.close();
		}
	});
});

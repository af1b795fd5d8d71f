// An access token that expires while the manager is offline: the outbox keeps the
// entry, nothing is sent with the dead token, the log-in form appears above the
// screen without losing what is typed, and after the next log-in the entry is
// stored exactly once. Runs its own API with the shortest token life it allows
// (JWT_TTL_SECS=60), so this file waits about a minute.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { guardedContext, launchBrowser } from './harness';
import { startApi } from './stack.mjs';
import { ADMIN, apiLogin, audit, eventsTitled, MANAGER, outboxStatuses, rawId, SLUG, uiLogin, waitOutboxDrained } from './manage-helpers';

let browser: Browser;
let api: { url: string; stop: () => Promise<unknown> };
beforeAll(async () => {
	browser = await launchBrowser();
	api = await startApi({ port: inject('portBase') + 20, env: { WEB_DIR: inject('buildDir'), JWT_TTL_SECS: '60' } });
});
afterAll(async () => {
	await browser?.close();
	await api?.stop();
});

it('an expired token while offline keeps the outbox and sends it after the next log-in', { timeout: 150_000 }, async () => {
	const site = api.url;
	const g = await guardedContext(browser, { allowed: [site] });
	const page = await g.newPage();
	await uiLogin(page, site, MANAGER);
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
	await page.goto(`${site}/en/manage/project/${SLUG}/event/new/`);
	await page.waitForSelector('[data-testid=event-form]');
	await page.waitForLoadState('networkidle');

	await g.context.setOffline(true);
	const title = `Expired token ${Date.now()}`;
	await page.fill('#ev-titleAz', 'Vaxtı keçmiş açar');
	await page.fill('#ev-titleEn', title);
	await page.locator('[data-testid=attendance-grid] input.cell').first().fill('6');
	await page.click('[data-testid=event-save]');
	expect(await page.textContent('[data-testid=form-notice]')).toMatch(/Saved on this device/);

	// The session ends with the token (60 s, and the API's 5 s leeway): the log-in form
	// appears above the screen, which stays as it was.
	await page.waitForSelector('[data-testid=login-again]', { timeout: 75_000 });
	await page.waitForTimeout(6_000);
	await page.fill('#ev-topicsEn', 'typed while logged out');
	await g.context.setOffline(false);
	await page.waitForTimeout(2_000);
	const adminToken = await apiLogin(site, ADMIN);
	expect(await eventsTitled(site, adminToken, title)).toEqual([]);

	// The next log-in sends what waited, once; what was typed meanwhile is still there.
	await page.fill('#login-password', MANAGER.password);
	await page.click('[data-testid=login-form] button[type=submit]');
	await page.waitForSelector('[data-testid=logout]');
	expect(await page.inputValue('#ev-topicsEn')).toBe('typed while logged out');
	await page.goto(`${site}/en/manage/outbox/`);
	await waitOutboxDrained(page);
	expect(await outboxStatuses(page)).toEqual(['sent']);
	const stored = await eventsTitled(site, adminToken, title);
	expect(stored).toHaveLength(1);
	expect((await audit(site, adminToken, 'event', rawId(stored[0].id))).map((a) => a.action)).toEqual(['event.create']);
	expect(g.outside).toEqual([]);
	await g.context.close();
});

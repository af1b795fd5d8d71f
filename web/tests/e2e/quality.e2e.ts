// Validation rules end to end (issue 22): an administrator declares a WARNING
// rule; a manager, offline, types a figure that breaks it, the browser's own
// evaluation (the same definition the server checks) asks for a reason, the
// entry waits in the outbox and is stored with the reason when the connection
// returns; the reviewer sees the broken rule and the reason on the approval
// screen. The rule is archived and the report returned at the end, so the
// other e2e files see the demo project as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { apiUrl, guardedContext, launchBrowser, siteUrl } from './harness';
import { ADMIN, apiLogin, gql, MANAGER, projectId, SLUG, uiLogin, waitOutboxDrained } from './manage-helpers';

let browser: Browser;
let admin: string;
let manager: string;
let rule: { id: string; version: number } | null = null;
let report: { id: string; version: number } | null = null;
beforeAll(async () => {
	browser = await launchBrowser();
	admin = await apiLogin(apiUrl(), ADMIN);
	manager = await apiLogin(apiUrl(), MANAGER);
});
afterAll(async () => {
	if (rule) await gql(apiUrl(), 'mutation($id:ID!,$v:Int!){ archiveValidationRule(idempotencyKey:"e2e-rule-off", id:$id, version:$v){ userErrors { code } } }', { id: rule.id, v: rule.version }, admin);
	if (report) await gql(apiUrl(), 'mutation($id:ID!,$v:Int!){ returnReport(idempotencyKey:"e2e-rule-ret", id:$id, version:$v, comment:"e2e: done"){ userErrors { code } } }', { id: report.id, v: report.version }, admin);
	await browser?.close();
});

describe('validation rules', { timeout: 120_000 }, () => {
	it('an offline entry breaks a warning rule, the manager confirms it with a reason, and the reviewer sees it', async () => {
		const pid = await projectId(apiUrl());
		const made = await gql(
			apiUrl(),
			'mutation($p:ID!,$i:ValidationRuleInput!){ createValidationRule(idempotencyKey:"e2e-rule", projectId:$p, input:$i){ rule { id version } userErrors { code message } } }',
			{ p: pid, i: { kind: 'RANGE', severity: 'WARNING', figure: 'REFERRED_PERSONS', max: 100, messageAz: 'Bir ayda 100-dən çox yönləndirmə qeyri-adidir', messageEn: 'More than 100 referrals in a month is unusual' } },
			admin
		);
		expect(made.createValidationRule.userErrors).toEqual([]);
		rule = made.createValidationRule.rule;

		const g = await guardedContext(browser);
		const page = await g.newPage();
		await uiLogin(page, siteUrl(), MANAGER);
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
		await page.goto(`${siteUrl()}/en/manage/project/${SLUG}/services/`);
		await page.waitForSelector('[data-testid=services-form]');
		await page.waitForLoadState('networkidle');
		await g.context.setOffline(true);
		await page.goto(`${siteUrl()}/en/manage/project/${SLUG}/services/`);
		await page.waitForSelector('[data-testid=services-form]');
		await page.fill('#sc-month', '2021-07');
		const value = 5000 + Math.floor(Math.random() * 1000);
		// First row, third column: referred.
		await page.locator('[data-testid=services-grid] input.cell').nth(2).fill(String(value));
		await page.waitForSelector('[data-testid=rule-warnings]');
		expect(await page.textContent('[data-testid=rule-warnings]')).toMatch(/More than 100 referrals in a month is unusual/);
		await page.click('[data-testid=services-save]');
		expect(await page.textContent('[data-testid=form-notice]')).toMatch(/Give a reason/);
		const reason = `A camp closed and its families were referred together (${value})`;
		await page.fill('[data-testid=confirm-reason]', reason);
		await page.click('[data-testid=services-save]');
		// Queuing is asynchronous (IndexedDB): the notice changes once the entry is stored.
		await expect.poll(() => page.textContent('[data-testid=form-notice]'), { timeout: 15_000 }).toMatch(/Saved on this device/);

		await page.goto(`${siteUrl()}/en/manage/outbox/`);
		await page.waitForSelector('[data-testid=outbox-entry]');
		await g.context.setOffline(false);
		await waitOutboxDrained(page);
		const stored = (await gql(apiUrl(), 'query($s:String!){ project(slug:$s){ ruleResults(from:"2021-07-01", to:"2021-07-31"){ severity reason values } } }', { s: SLUG }, admin)).project.ruleResults;
		expect(stored).toEqual([{ severity: 'WARNING', reason, values: { value } }]);

		const sub = await gql(apiUrl(), 'mutation($p:ID!){ submitReport(idempotencyKey:"e2e-rule-sub", input:{projectId:$p, periodStart:"2021-07-01", periodEnd:"2021-07-31"}){ report { id version } userErrors { code } } }', { p: pid }, manager);
		expect(sub.submitReport.userErrors).toEqual([]);
		report = sub.submitReport.report;
		await g.context.close();

		const a = await guardedContext(browser);
		const reviewer = await a.newPage();
		await uiLogin(reviewer, siteUrl(), ADMIN);
		await reviewer.goto(`${siteUrl()}/en/manage/admin/reports/`);
		const mine = reviewer.locator('[data-testid=queued-report]', { hasText: 'Jul' }).filter({ has: reviewer.locator('[data-testid=review-reason]') });
		await mine.first().waitFor();
		expect(await mine.first().locator('[data-testid=review-reason]').textContent()).toContain(reason);
		expect(await mine.first().locator('[data-testid=review-rule]').textContent()).toMatch(/More than 100 referrals/);
		expect(a.outside).toEqual([]);
		await a.context.close();
	});
});

//! Helpers of the /manage end-to-end tests: GraphQL against the real API (to set
//! up data and to check exactly-once through queries and the audit trail, as an
//! admin), logging in through the page, and reading the outbox from the page.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const SLUG = 'undp-early-recovery-fuzuli-agjabadi-tartar';
export const MANAGER = { email: 'manager@example.org', password: 'demo-manager-2026' };
export const ADMIN = { email: 'admin@example.org', password: 'demo-admin-2026' };

export async function gql<T = any>(api: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
	const res = await fetch(`${api}/graphql`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
		body: JSON.stringify({ query, variables })
	});
	const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
	if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
	return body.data as T;
}

export async function apiLogin(api: string, who: { email: string; password: string }): Promise<string> {
	const d = await gql(api, 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ token userErrors{code} } }', { e: who.email, p: who.password });
	if (!d.login.token) throw new Error(`log-in failed: ${JSON.stringify(d.login.userErrors)}`);
	return d.login.token;
}

/** The number inside a global ID (`Event:12` → `12`), as the audit trail names records. */
export function rawId(globalId: string): string {
	return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
}

export async function projectId(api: string): Promise<string> {
	return (await gql(api, 'query($s:String!){ project(slug:$s){ id } }', { s: SLUG })).project.id;
}

/** Events of the demo project whose title contains `title`, as an admin sees them (raw counts). */
export async function eventsTitled(api: string, adminToken: string, title: string) {
	const d = await gql(
		api,
		`query($s:String!){ project(slug:$s){ events(first: 100) { nodes { id version titleEn: title(lang: EN) capacity attendance { total { value } cells { sex ageBand disability category count } } } } } }`,
		{ s: SLUG },
		adminToken
	);
	return (d.project.events.nodes as any[]).filter((e) => e.titleEn.includes(title));
}

export async function audit(api: string, adminToken: string, entityType: string, entityId?: string) {
	const d = await gql(api, 'query($t:String,$i:String){ auditLog(entityType:$t, entityId:$i, first: 100){ sequence action entityId after createdAt actor { email } } }', { t: entityType, i: entityId }, adminToken);
	return d.auditLog as { sequence: number; action: string; entityId: string; after: any; createdAt: string; actor: { email: string } | null }[];
}

/** Creates an event through the API (as the manager), for tests that need one to exist. */
export async function apiCreateEvent(api: string, token: string, input: Record<string, unknown>) {
	const d = await gql(
		api,
		'mutation($k:String!,$i:CreateEventInput!){ createEvent(idempotencyKey:$k, input:$i){ event { id version } userErrors { field code message } } }',
		{ k: `setup-${Math.random()}`, i: { projectId: await projectId(api), kind: 'TRAINING', ...input } },
		token
	);
	if (d.createEvent.userErrors.length) throw new Error(JSON.stringify(d.createEvent.userErrors));
	return d.createEvent.event as { id: string; version: number };
}

export async function uiLogin(page: Page, site: string, who: { email: string; password: string }, lang = 'en') {
	await page.goto(`${site}/${lang}/manage/`);
	await page.fill('#login-email', who.email);
	await page.fill('#login-password', who.password);
	await page.click('[data-testid=login-form] button[type=submit]');
	await page.waitForSelector('[data-testid=logout]');
}

/** Statuses of the outbox entries as the outbox page lists them. */
export async function outboxStatuses(page: Page): Promise<string[]> {
	return page.locator('[data-testid=outbox-entry]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status ?? ''));
}

/** Waits until the outbox page shows no entry waiting or being sent. */
export async function waitOutboxDrained(page: Page, timeout = 30_000) {
	await page.waitForFunction(
		() => {
			const all = [...document.querySelectorAll('[data-testid=outbox-entry]')];
			return all.length > 0 && all.every((e) => !['waiting', 'sending'].includes((e as HTMLElement).dataset.status ?? ''));
		},
		null,
		{ timeout }
	);
}

/** Fills every cell of the attendance grid on the page with the given counts, in order. */
export async function fillGrid(page: Page, counts: number[], scope = '[data-testid=attendance-grid]') {
	const cells = page.locator(`${scope} input.cell`);
	expect(await cells.count()).toBe(counts.length);
	for (let i = 0; i < counts.length; i++) await cells.nth(i).fill(String(counts[i]));
}

/** Sets the attendance grid's dimensions through its checkboxes. */
export async function chooseAxes(page: Page, labels: { check?: string[]; uncheck?: string[] }) {
	await page.click('details.axes > summary');
	for (const l of labels.check ?? []) await page.getByLabel(l, { exact: true }).check();
	for (const l of labels.uncheck ?? []) await page.getByLabel(l, { exact: true }).uncheck();
}

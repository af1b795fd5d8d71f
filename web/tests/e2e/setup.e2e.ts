// Programme set-up (issue 20) end to end: an administrator creates a programme in
// /manage (two organisations, one created inline; a district and a village added
// under it; the demo manager assigned), its indicators (one with a target and
// period targets, one derived from trainings with the live preview), a centre, a
// source and quoted passages; the manager, on a 360 px phone, records a training
// in it; the public site (built before the programme existed) shows it in both
// languages with its progress as the API publishes it and the quoted passages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiUrl, axe, describeViolations, guardedContext, launchBrowser, PHONE, plain, screenshot, siteUrl } from './harness';
import { ADMIN, apiLogin, gql, MANAGER, SLUG as DEMO, uiLogin } from './manage-helpers';

let browser: Browser;
let admin: string;
const started = Date.now();
const stamp = Date.now().toString(36);
const TITLE_EN = `Youth skills in the villages ${stamp}`;
const TITLE_AZ = `Kəndlərdə gənclərin bacarıqları ${stamp}`;
const SLUG = `youth-skills-in-the-villages-${stamp}`;
const PASSAGE = `The ministry confirms 120 young people will be trained by 2027 (${stamp}).`;
const IND_PASSAGE = `Trainings are counted from attendance sheets (${stamp}).`;

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await apiLogin(apiUrl(), ADMIN);
});
afterAll(async () => {
	await browser?.close();
	console.log(`[setup e2e] ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** No horizontal scrolling of the page at its current width. */
async function noOverflow(page: Page) {
	const w = await page.evaluate(() => {
		const view = window.innerWidth;
		// The elements that reach past the viewport, to name the culprit on failure.
		const wide = [...document.querySelectorAll('body *')]
			.filter((e) => e.getBoundingClientRect().right > view + 0.5)
			.slice(0, 5)
			.map((e) => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''} (${Math.round(e.getBoundingClientRect().right)} px)`);
		return { doc: document.documentElement.scrollWidth, view, wide, url: location.pathname };
	});
	expect(w.doc, `${w.url} is ${w.doc}px wide in a ${w.view}px viewport: ${w.wide.join(', ')}`).toBeLessThanOrEqual(w.view);
}

describe('programme set-up', { timeout: 180_000 }, () => {
	it('an administrator sets up a programme, the manager records a training on a phone, and the public site shows it with its quoted sources', async () => {
		const districts = (await gql(apiUrl(), '{ areas(first: 3, filter: { kind: [DISTRICT] }) { edges { node { id nameEn: name(lang: EN) } } } }')).areas.edges.map((e: any) => e.node);
		const orgs = (await gql(apiUrl(), '{ organisations(first: 1) { edges { node { id } } } }')).organisations.edges.map((e: any) => e.node);
		expect(districts.length).toBeGreaterThan(0);

		// ---- Administrator: the programme ----
		const a = await guardedContext(browser);
		const page = await a.newPage();
		await uiLogin(page, siteUrl(), ADMIN);
		await page.setViewportSize(PHONE);
		await page.goto(`${siteUrl()}/en/manage/programmes/`);
		await page.waitForSelector('[data-testid=programme-form]');
		await noOverflow(page);
		await page.setViewportSize({ width: 1280, height: 900 });
		await page.fill('#p-titleEn', TITLE_EN);
		await page.fill('#p-titleAz', TITLE_AZ);
		expect(await page.inputValue('#p-slug')).toBe(SLUG);
		await page.fill('#p-summaryEn', 'Vocational training for young people in villages.');
		await page.selectOption('#p-status', 'IMPLEMENTATION');
		await page.fill('#p-plannedStart', '2026-01-01');
		await page.fill('#p-plannedEnd', '2027-12-31');
		await page.fill('#p-budget', '250000');
		// Two organisations: one from the list, one created here.
		const orgSelects = page.locator('[data-testid=participants] select[id^=pp-org-]');
		await orgSelects.nth(0).selectOption(orgs[0].id);
		await page.click('[data-testid=add-participant]');
		await page.click('[data-testid=new-org-toggle]');
		await page.fill('#no-az', `Kənd Gənclər Birliyi ${stamp}`);
		await page.fill('#no-en', `Village Youth Union ${stamp}`);
		await page.click('[data-testid=new-org-save]');
		await page.waitForFunction(() => document.querySelectorAll('[data-testid=new-org]').length === 0);
		expect(await orgSelects.count()).toBe(2);
		expect(await orgSelects.nth(1).inputValue()).not.toBe('');
		// Two areas: a district, and a village added under it.
		await page.fill('#p-area-search', districts[0].nameEn.slice(0, 5));
		await page.locator(`[data-testid=areas] input[type=checkbox][value="${districts[0].id}"]`).check();
		await page.click('[data-testid=new-village-toggle]');
		await page.selectOption('#nv-parent', districts[0].id);
		await page.fill('#nv-az', `Yeni kənd ${stamp}`);
		await page.fill('#nv-en', `New village ${stamp}`);
		await page.fill('#nv-lat', '39.6');
		await page.fill('#nv-lon', '47.1');
		await page.click('[data-testid=new-village-save]');
		await page.waitForSelector('[data-testid=chosen-areas]');
		await page.waitForFunction((s) => document.querySelector('[data-testid=chosen-areas]')?.textContent?.includes(s), `New village ${stamp}`);
		await page.getByLabel('Young people', { exact: true }).check();
		await page.locator('[data-testid=managers] label', { hasText: MANAGER.email }).locator('input').check();
		await screenshot(page, 'setup-programme-form-en-desktop');
		await page.click('[data-testid=programme-save]');
		await page.waitForFunction(() => /created/i.test(document.querySelector('[data-testid=programme-notice]')?.textContent ?? ''), null, { timeout: 20_000 });
		const stored = (
			await gql(
				apiUrl(),
				'query($s:String!){ project(slug:$s){ id version isPublic titleAz titleEn participants { organisation { id } } areas { id kind } managers { email } beneficiaryCategories budget { amount currency } } }',
				{ s: SLUG },
				admin
			)
		).project;
		expect(stored.participants).toHaveLength(2);
		expect(stored.areas.map((x: any) => x.kind).sort()).toEqual(['DISTRICT', 'VILLAGE']);
		expect(stored.managers.map((u: any) => u.email)).toEqual([MANAGER.email]);
		expect(stored.beneficiaryCategories).toEqual(expect.arrayContaining(['GENERAL', 'YOUTH']));
		expect(stored.budget).toEqual({ amount: 250000, currency: 'USD' });
		expect(stored.isPublic).toBe(true);
		await page.locator(`[data-testid=programme-list] li[data-slug="${SLUG}"]`).waitFor();

		// ---- Administrator: the programme's set-up ----
		await page.goto(`${siteUrl()}/en/manage/project/${SLUG}/setup/`);
		await page.waitForSelector('[data-testid=indicator-form]');
		// A derived indicator, previewed before it is saved.
		await page.fill('#i-code', 'youth-trained');
		await page.fill('#i-titleEn', 'Young people trained');
		await page.fill('#i-titleAz', 'Təlim keçmiş gənclər');
		await page.fill('#i-target', '120');
		await page.fill('#i-targetDate', '2027-12-31');
		await page.selectOption('#i-family', 'attendance');
		await page.selectOption('#i-arg', 'TRAINING');
		await page.waitForFunction(() => {
			const t = document.querySelector('[data-testid=rule-preview]')?.textContent ?? '';
			return t.includes('attendance.training') && !/loading|yüklənir/i.test(t);
		});
		await page.click('[data-testid=indicator-save]');
		await page.waitForSelector('[data-testid=indicator-list] li[data-code=youth-trained]');
		// An entered indicator with a target, targets per period and a value.
		await page.fill('#i-code', 'sessions');
		await page.fill('#i-titleEn', 'Coaching sessions');
		await page.selectOption('#i-unit', 'SESSIONS');
		await page.selectOption('#i-rule', 'TOTAL');
		await page.fill('#i-target', '40');
		await page.click('[data-testid=indicator-save]');
		const sessions = page.locator('[data-testid=indicator-list] li[data-code=sessions]');
		await sessions.waitFor();
		await sessions.getByRole('button', { name: /Targets per period/ }).click();
		await page.fill('[data-testid=targets-form] input[id^=t-ps-]', '2026-01-01');
		await page.fill('[data-testid=targets-form] input[id^=t-pe-]', '2026-12-31');
		await page.fill('[data-testid=targets-form] input[id^=t-v-]', '20');
		await page.click('[data-testid=targets-save]');
		await page.waitForFunction(() => document.querySelector('li[data-code=sessions]')?.textContent?.includes('1 period targets'));
		await sessions.getByRole('button', { name: /Entered values/ }).click();
		await page.fill('#v-ps', '2026-01-01');
		await page.fill('#v-pe', '2026-03-31');
		await page.fill('#v-v', '9');
		await page.click('[data-testid=values-save]');
		await page.waitForFunction(() => !document.querySelector('[data-testid=values-form]') && document.querySelector('[data-testid=setup-notice]'));
		// A centre in the district.
		await page.selectOption('#c-kind', 'COMMUNITY_RESOURCE_CENTRE');
		await page.fill('#c-az', `Gənclər mərkəzi ${stamp}`);
		await page.fill('#c-en', `Youth centre ${stamp}`);
		await page.selectOption('#c-status', 'OPERATIONAL');
		await page.selectOption('#c-area', districts[0].id);
		await page.click('[data-testid=centre-save]');
		await page.waitForFunction((s) => document.querySelector('[data-testid=centre-list]')?.textContent?.includes(s), `Youth centre ${stamp}`);
		// A source, and passages quoted from it for the programme and the derived indicator.
		await page.fill('#s-en', `Youth employment review ${stamp}`);
		await page.fill('#s-az', `Gənclərin məşğulluğu icmalı ${stamp}`);
		await page.fill('#s-pub', 'Ministry of Labour');
		await page.fill('#s-date', '2026-01-15');
		await page.selectOption('#s-lang', 'en');
		await page.fill('#s-url', 'https://example.org/youth-review');
		await page.click('[data-testid=source-save]');
		await page.waitForFunction(() => (document.querySelector('#ci-source') as HTMLSelectElement | null)?.value !== '');
		await page.selectOption('#ci-lang', 'en');
		await page.fill('#ci-passage', PASSAGE);
		await page.click('[data-testid=cite-save]');
		await page.waitForFunction((s) => document.querySelector('[data-testid=citation-list]')?.textContent?.includes(s), PASSAGE);
		const indId = await page.locator('#ci-entity option', { hasText: 'Young people trained' }).getAttribute('value');
		await page.selectOption('#ci-entity', indId!);
		await page.fill('#ci-passage', IND_PASSAGE);
		await page.click('[data-testid=cite-save]');
		await page.waitForFunction((s) => document.querySelector('[data-testid=citation-list]')?.textContent?.includes(s), IND_PASSAGE);
		await screenshot(page, 'setup-project-en-desktop');
		expect(a.errors, a.errors.join('\n')).toEqual([]);
		expect(a.outside).toEqual([]);

		// ---- Manager, 360 px: a training with attendance ----
		const mg = await guardedContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
		const phone = await mg.newPage();
		await uiLogin(phone, siteUrl(), MANAGER);
		await phone.goto(`${siteUrl()}/en/manage/project/${SLUG}/setup/`);
		await phone.waitForSelector('[data-testid=indicator-form]');
		// Publishing decisions are an administrator's: no sensitivity control for a manager.
		expect(await phone.locator('#i-sens').count()).toBe(0);
		await noOverflow(phone);
		// The manager edits the programme's description, without the publication controls.
		await phone.goto(`${siteUrl()}/en/manage/programmes/`);
		const mine = phone.locator(`[data-testid=programme-list] li[data-slug="${SLUG}"]`);
		await mine.getByRole('button', { name: /^Edit/ }).click();
		expect(await phone.locator('#p-sensitivity, #p-public, [data-testid=managers], [data-testid=archive]').count()).toBe(0);
		await phone.fill('#p-summaryEn', 'Vocational training for young people in two villages.');
		await phone.click('[data-testid=programme-save]');
		await phone.waitForFunction(() => /^Saved/.test(document.querySelector('[data-testid=programme-notice]')?.textContent ?? ''));
		await noOverflow(phone);
		await phone.goto(`${siteUrl()}/en/manage/project/${SLUG}/event/new/`);
		await phone.waitForSelector('[data-testid=event-form]');
		await phone.selectOption('#ev-kind', 'TRAINING');
		await phone.fill('#ev-titleAz', `Peşə təlimi ${stamp}`);
		await phone.fill('#ev-titleEn', `Vocational training ${stamp}`);
		await phone.fill('#ev-startDate', '2026-02-10');
		await phone.fill('#ev-capacity', '200');
		const cells = phone.locator('[data-testid=attendance-grid] input.cell');
		const n = await cells.count();
		expect(n).toBeGreaterThan(0);
		for (let i = 0; i < n; i++) await cells.nth(i).fill('12');
		await noOverflow(phone);
		await screenshot(phone, 'setup-manager-training-en-phone');
		await phone.click('[data-testid=event-save]');
		await phone.waitForSelector('[data-testid=saved-notice]', { timeout: 30_000 });
		expect(mg.errors, mg.errors.join('\n')).toEqual([]);

		// ---- Public site, anonymous, both languages ----
		const published = (
			await gql(
				apiUrl(),
				'query($s:String!){ projectOverview(slug:$s, lang: EN){ indicators { code actual { value suppressed protection withheldBelow } } } }',
				{ s: SLUG }
			)
		).projectOverview;
		const derived = published.indicators.find((x: any) => x.code === 'youth-trained');
		// What an anonymous reader gets: a positive figure (exact or ≈), or withheld.
		if (derived.actual.suppressed) expect(derived.actual.value).toBeNull();
		else expect(derived.actual.value).toBeGreaterThan(0);
		const pub = await guardedContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
		const pp = await pub.newPage();
		for (const lang of ['en', 'az'] as const) {
			// The site was built before this programme existed: the fallback page renders it.
			await pp.goto(`${siteUrl()}/${lang}/programme/${SLUG}/`);
			await pp.waitForFunction((t) => document.querySelector('main h1')?.textContent?.includes(t), lang === 'en' ? TITLE_EN : TITLE_AZ, { timeout: 20_000 });
			const row = pp.locator('[data-indicator=youth-trained]');
			await row.waitFor();
			const actual = plain(await row.locator('td').nth(2).textContent());
			if (derived.actual.suppressed) expect(actual).toMatch(lang === 'en' ? /fewer than|withheld/i : /\S/);
			else {
				const digits = actual.replace(/\D/g, '');
				if (derived.actual.protection === 'EXACT') expect(digits).toBe(String(derived.actual.value));
				else expect(actual).toContain('≈');
			}
			await pp.locator('[data-testid=quotes]', { hasText: PASSAGE }).first().waitFor();
			expect(await row.textContent()).toContain(IND_PASSAGE);
			const quotes = plain(await pp.locator('[data-testid=quotes]').first().textContent());
			expect(quotes).toContain('Ministry of Labour');
			expect(await pp.locator('[data-testid=quotes] a[href="https://example.org/youth-review"]').count()).toBeGreaterThan(0);
			await noOverflow(pp);
			await screenshot(pp, `setup-public-programme-${lang}-phone`);
			// The home page's list, refreshed from the API in the browser, includes it.
			await pp.goto(`${siteUrl()}/${lang}/`);
			await pp.locator(`a[href$="/${lang}/programme/${SLUG}/"]`).first().waitFor({ timeout: 20_000 });
		}
		expect(pub.errors, pub.errors.join('\n')).toEqual([]);
		expect(pub.outside).toEqual([]);
	});

	it('a title written in one language only is shown in the other with a language marker', async () => {
		const slug = `english-only-${stamp}`;
		const d = await gql(
			apiUrl(),
			'mutation($k:String!,$i:ProjectInput!){ createProject(idempotencyKey:$k, input:$i){ project { id } userErrors { field code message } } }',
			{ k: `e2e-${stamp}-en-only`, i: { slug, titleEn: `English only ${stamp}`, status: 'PIPELINE', isPublic: true, beneficiaryCategories: ['GENERAL'] } },
			admin
		);
		expect(d.createProject.userErrors).toEqual([]);
		const g = await guardedContext(browser);
		const page = await g.newPage();
		await page.goto(`${siteUrl()}/az/programme/${slug}/`);
		await page.waitForFunction((t) => document.querySelector('main h1')?.textContent?.includes(t), `English only ${stamp}`, { timeout: 20_000 });
		expect(plain(await page.textContent('[data-testid=title-language]'))).toBe('EN');
		expect(await page.getAttribute('main h1', 'lang')).toBe('en');
		await page.goto(`${siteUrl()}/en/programme/${slug}/`);
		await page.waitForFunction((t) => document.querySelector('main h1')?.textContent?.includes(t), `English only ${stamp}`, { timeout: 20_000 });
		expect(await page.locator('[data-testid=title-language]').count()).toBe(0);
	});

	it('an edit made on a stale version says so, reloads, and then saves; a boundary file is checked before it is stored', async () => {
		const slug = `conflict-${stamp}`;
		const created = await gql(
			apiUrl(),
			'mutation($k:String!,$i:ProjectInput!){ createProject(idempotencyKey:$k, input:$i){ project { id version } userErrors { code } } }',
			{ k: `e2e-${stamp}-conflict`, i: { slug, titleEn: `Conflict ${stamp}`, titleAz: `Münaqişə ${stamp}`, status: 'PIPELINE', isPublic: false, beneficiaryCategories: ['GENERAL'] } },
			admin
		);
		const { id, version } = created.createProject.project;
		const g = await guardedContext(browser);
		const page = await g.newPage();
		await uiLogin(page, siteUrl(), ADMIN);
		await page.goto(`${siteUrl()}/en/manage/programmes/`);
		const row = page.locator(`[data-testid=programme-list] li[data-slug="${slug}"]`);
		await row.getByRole('button', { name: /^Edit/ }).click();
		expect(await page.inputValue('#p-titleEn')).toBe(`Conflict ${stamp}`);
		// Someone else changes it meanwhile.
		const other = await gql(
			apiUrl(),
			'mutation($k:String!,$id:ID!,$v:Int!,$i:ProjectInput!){ updateProject(idempotencyKey:$k, id:$id, version:$v, input:$i){ project { version } userErrors { code } } }',
			{ k: `e2e-${stamp}-other`, id, v: version, i: { slug, titleEn: `Conflict ${stamp} (theirs)`, titleAz: `Münaqişə ${stamp}`, status: 'PIPELINE', beneficiaryCategories: ['GENERAL'] } },
			admin
		);
		expect(other.updateProject.userErrors).toEqual([]);
		await page.fill('#p-summaryEn', 'Mine');
		await page.click('[data-testid=programme-save]');
		await page.waitForSelector('[data-testid=programme-reload]');
		expect(plain(await page.textContent('[data-testid=programme-notice]'))).toMatch(/changed this record/);
		await page.click('[data-testid=programme-reload]');
		await page.waitForFunction((t) => (document.querySelector('#p-titleEn') as HTMLInputElement).value === t, `Conflict ${stamp} (theirs)`);
		await page.fill('#p-summaryEn', 'Mine');
		await page.click('[data-testid=programme-save]');
		await page.waitForFunction(() => /^Saved/.test(document.querySelector('[data-testid=programme-notice]')?.textContent ?? ''));
		const after = (await gql(apiUrl(), 'query($s:String!){ project(slug:$s){ titleEn summary(lang: EN) isPublic } }', { s: slug }, admin)).project;
		expect(after).toEqual({ titleEn: `Conflict ${stamp} (theirs)`, summary: 'Mine', isPublic: false });
		// Archived: gone from the public API.
		await row.getByRole('button', { name: /^Archive/ }).click();
		await row.getByRole('button', { name: /^Restore/ }).waitFor();

		// Boundaries: a dry run reports each feature, then the matched ones are stored.
		const district = (await gql(apiUrl(), '{ areas(first: 1, filter: { kind: [DISTRICT] }) { edges { node { id code nameEn: name(lang: EN) } } } }')).areas.edges[0].node;
		const square = (x: number, y: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 0.2, y], [x + 0.2, y + 0.2], [x, y + 0.2], [x, y]]] });
		const geojson = JSON.stringify({
			type: 'FeatureCollection',
			features: [
				{ type: 'Feature', properties: { name: district.nameEn }, geometry: square(47, 39.5) },
				{ type: 'Feature', properties: { name: `Atlantis ${stamp}` }, geometry: square(48, 40) }
			]
		});
		await page.goto(`${siteUrl()}/en/manage/admin/boundaries/`);
		await page.selectOption('#b-kind', 'DISTRICT');
		await page.setInputFiles('#b-file', { name: 'districts.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(geojson) });
		await page.click('[data-testid=boundary-check]');
		await page.waitForSelector('[data-testid=boundary-report]');
		expect(await page.locator('[data-testid=boundary-report] tr[data-matched=yes]').count()).toBe(1);
		expect(await page.locator('[data-testid=boundary-report] tr[data-matched=no]').count()).toBe(1);
		expect((await gql(apiUrl(), '{ areaBoundaries(kind: DISTRICT) { areaId } }')).areaBoundaries.map((b: any) => b.areaId)).not.toContain(district.id);
		await page.click('[data-testid=boundary-store]');
		await page.waitForSelector('[data-testid=boundary-notice]');
		expect((await gql(apiUrl(), '{ areaBoundaries(kind: DISTRICT) { areaId } }')).areaBoundaries.map((b: any) => b.areaId)).toContain(district.id);
		expect(g.errors, g.errors.join('\n')).toEqual([]);
	});

	it('a manager on a 360 px phone edits a centre, a work and a source in both languages: field errors beside the field, a stale version shown and reloaded; a team archived; a mistaken centre deleted and a used one refused', async () => {
		const project = (await gql(apiUrl(), 'query($s:String!){ project(slug:$s){ id } }', { s: DEMO })).project.id;
		const made = async (mutation: string, vars: Record<string, unknown>) => {
			const d = await gql(apiUrl(), mutation, vars, admin);
			const payload = Object.values(d)[0] as any;
			expect(payload.userErrors).toEqual([]);
			return Object.values(payload).find((v: any) => v && typeof v === 'object' && 'id' in v) as { id: string; version: number };
		};
		const centre = await made(
			'mutation($k:String!,$p:ID!,$i:CentreInput!){ createCentre(idempotencyKey:$k, projectId:$p, input:$i){ centre { id version } userErrors { field code message } } }',
			{ k: `e2e-${stamp}-ec`, p: project, i: { kind: 'COMMUNITY_RESOURCE_CENTRE', nameAz: `Redaktə mərkəzi ${stamp}`, nameEn: `Edit centre ${stamp}`, hostBuildingEn: 'Old school', noteEn: 'Kept note', status: 'PLANNED' } }
		);
		const work = await made(
			'mutation($k:String!,$p:ID!,$i:InfrastructureWorkInput!){ createInfrastructureWork(idempotencyKey:$k, projectId:$p, input:$i){ infrastructureWork { id version } userErrors { field code message } } }',
			{ k: `e2e-${stamp}-ew`, p: project, i: { kind: 'ROAD', titleEn: `Edit road ${stamp}`, titleAz: `Redaktə yolu ${stamp}`, status: 'IN_PROGRESS', progressPercent: 40, budgetAmount: 9000, budgetCurrency: 'AZN' } }
		);
		const source = await made(
			'mutation($k:String!,$i:SourceDocumentInput!){ createSourceDocument(idempotencyKey:$k, input:$i){ sourceDocument { id version } userErrors { field code message } } }',
			{ k: `e2e-${stamp}-es`, i: { titleAz: `Redaktə mənbəyi ${stamp}`, titleEn: `Edit source ${stamp}`, language: 'az', publisher: 'Azertac' } }
		);
		const team = await made(
			'mutation($k:String!,$p:ID!,$i:TeamInput!){ createTeam(idempotencyKey:$k, projectId:$p, input:$i){ team { id version } userErrors { field code message } } }',
			{ k: `e2e-${stamp}-et`, p: project, i: { kind: 'MOBILE_TEAM', nameEn: `Edit team ${stamp}`, nameAz: `Redaktə dəstəsi ${stamp}`, status: 'ACTIVE' } }
		);
		const mg = await guardedContext(browser, { viewport: PHONE, isMobile: true, hasTouch: true });
		const phone = await mg.newPage();
		const row = (list: string, text: string) => phone.locator(`[data-testid=${list}] li`, { hasText: text });

		// ---- English: the centre (round trip of the fields the form does not show, a field error) ----
		await uiLogin(phone, siteUrl(), MANAGER);
		await phone.goto(`${siteUrl()}/en/manage/project/${DEMO}/setup/`);
		await phone.waitForSelector('[data-testid=centre-form]');
		await noOverflow(phone);
		await row('centre-list', `Edit centre ${stamp}`).getByRole('button', { name: /^Edit/ }).click();
		expect(await phone.inputValue('#c-en')).toBe(`Edit centre ${stamp}`);
		await phone.fill('#c-az', '');
		await phone.fill('#c-en', '');
		await phone.click('[data-testid=centre-save]');
		await phone.waitForSelector('#c-az-err');
		expect(plain(await phone.textContent('#c-az-err'))).toMatch(/Azerbaijani or English/);
		await noOverflow(phone);
		await phone.fill('#c-en', `Edited centre ${stamp}`);
		await phone.fill('#c-az', `Redaktə olunmuş mərkəz ${stamp}`);
		await phone.selectOption('#c-status', 'OPERATIONAL');
		await phone.click('[data-testid=centre-save]');
		await phone.waitForFunction(() => /^Saved/.test(document.querySelector('[data-testid=centre-notice]')?.textContent ?? ''));
		const c = (await gql(apiUrl(), 'query($id:ID!){ node(id:$id){ ... on Centre { nameEn nameAz status hostBuildingEn noteEn version } } }', { id: centre.id }, admin)).node;
		expect(c).toEqual({ nameEn: `Edited centre ${stamp}`, nameAz: `Redaktə olunmuş mərkəz ${stamp}`, status: 'OPERATIONAL', hostBuildingEn: 'Old school', noteEn: 'Kept note', version: centre.version + 1 });

		// ---- English: deleting a centre others refer to is refused; the mistaken one goes ----
		const used = (await gql(apiUrl(), 'query($s:String!){ project(slug:$s){ centres(first: 100) { nodes { nameEn: name(lang: EN) milestones { status } } } } }', { s: DEMO })).project.centres.nodes.find((x: any) => x.milestones.length > 0);
		expect(used, 'a demo centre with milestones').toBeTruthy();
		const usedRow = row('centre-list', used.nameEn).first();
		await usedRow.getByRole('button', { name: /^Delete/ }).click();
		await usedRow.locator('[data-testid=delete-confirm]').click();
		await phone.waitForFunction(() => /refer to it/.test(document.querySelector('[data-testid=setup-notice]')?.textContent ?? ''));
		await usedRow.waitFor();
		const mistake = await made(
			'mutation($k:String!,$p:ID!,$i:CentreInput!){ createCentre(idempotencyKey:$k, projectId:$p, input:$i){ centre { id version } userErrors { field code message } } }',
			{ k: `e2e-${stamp}-dc`, p: project, i: { kind: 'HOTLINE', nameEn: `Mistaken centre ${stamp}` } }
		);
		await phone.reload();
		const mistakeRow = row('centre-list', `Mistaken centre ${stamp}`);
		await mistakeRow.getByRole('button', { name: /^Delete/ }).click();
		await mistakeRow.locator('[data-testid=delete-confirm]').click();
		await phone.waitForFunction(() => /^Deleted/.test(document.querySelector('[data-testid=setup-notice]')?.textContent ?? ''));
		await mistakeRow.waitFor({ state: 'detached' });
		expect((await gql(apiUrl(), 'query($id:ID!){ node(id:$id){ id } }', { id: mistake.id }, admin)).node).toBeNull();
		await noOverflow(phone);

		// ---- English: the work, changed by someone else meanwhile ----
		await row('work-list', `Edit road ${stamp}`).getByRole('button', { name: /^Edit/ }).click();
		expect(await phone.inputValue('#w-en')).toBe(`Edit road ${stamp}`);
		const theirs = await gql(
			apiUrl(),
			'mutation($k:String!,$id:ID!,$v:Int!,$i:InfrastructureWorkInput!){ updateInfrastructureWork(idempotencyKey:$k, id:$id, version:$v, input:$i){ userErrors { code } } }',
			{ k: `e2e-${stamp}-ew2`, id: work.id, v: work.version, i: { kind: 'ROAD', titleEn: `Edit road ${stamp} (theirs)`, titleAz: `Redaktə yolu ${stamp}`, status: 'IN_PROGRESS', progressPercent: 60, budgetAmount: 9000, budgetCurrency: 'AZN' } },
			admin
		);
		expect(theirs.updateInfrastructureWork.userErrors).toEqual([]);
		await phone.fill('#w-unit', 'km');
		await phone.click('[data-testid=work-save]');
		await phone.waitForSelector('[data-testid=work-reload]');
		expect(plain(await phone.textContent('[data-testid=work-notice]'))).toMatch(/changed this record/);
		await noOverflow(phone);
		await phone.click('[data-testid=work-reload]');
		await phone.waitForFunction((t) => (document.querySelector('#w-en') as HTMLInputElement | null)?.value === t, `Edit road ${stamp} (theirs)`);
		await phone.fill('#w-unit', 'km');
		await phone.fill('#w-qty', '3.5');
		await phone.click('[data-testid=work-save]');
		await phone.waitForFunction(() => /^Saved/.test(document.querySelector('[data-testid=work-notice]')?.textContent ?? ''));
		const w = (await gql(apiUrl(), 'query($id:ID!){ node(id:$id){ ... on InfrastructureWork { titleEn unit quantity progressPercent budget { amount currency } } } }', { id: work.id }, admin)).node;
		expect(w).toEqual({ titleEn: `Edit road ${stamp} (theirs)`, unit: 'km', quantity: 3.5, progressPercent: 60, budget: { amount: 9000, currency: 'AZN' } });

		// ---- English: a team archived (gone from the manager's list; an administrator sees it to restore) ----
		const teamRow = row('team-list', `Edit team ${stamp}`);
		await teamRow.getByRole('button', { name: /^Archive/ }).click();
		await phone.waitForFunction((n) => ![...document.querySelectorAll('[data-testid=team-list] li')].some((li) => li.textContent?.includes(n)), `Edit team ${stamp}`);
		const t = (await gql(apiUrl(), 'query($id:ID!){ node(id:$id){ ... on Team { version archivedAt } } }', { id: team.id }, admin)).node;
		expect(t.version).toBe(team.version + 1);
		expect(t.archivedAt).not.toBeNull();

		// ---- Azerbaijani: the source, with a field error beside the link ----
		await phone.goto(`${siteUrl()}/az/manage/project/${DEMO}/setup/`);
		await phone.waitForSelector('[data-testid=source-form]');
		await noOverflow(phone);
		await row('source-list', `Redaktə mənbəyi ${stamp}`).getByRole('button', { name: /^Redaktə/ }).click();
		expect(await phone.inputValue('#s-az')).toBe(`Redaktə mənbəyi ${stamp}`);
		await phone.fill('#s-url', 'not a link');
		await phone.click('[data-testid=source-save]');
		await phone.waitForSelector('#s-url-err');
		await noOverflow(phone);
		await phone.fill('#s-url', 'https://azertac.az/edited');
		await phone.fill('#s-pub', 'AZERTAC');
		await phone.click('[data-testid=source-save]');
		await phone.waitForFunction(() => /^Yadda saxlanıldı/.test(document.querySelector('[data-testid=source-notice]')?.textContent ?? ''));
		const s = (await gql(apiUrl(), 'query($id:ID!){ node(id:$id){ ... on SourceDocument { publisher url titleEn version } } }', { id: source.id }, admin)).node;
		expect(s).toEqual({ publisher: 'AZERTAC', url: 'https://azertac.az/edited', titleEn: `Edit source ${stamp}`, version: source.version + 1 });
		await screenshot(phone, 'setup-edit-forms-az-phone');
		expect(mg.errors, mg.errors.join('\n')).toEqual([]);
		expect(mg.outside).toEqual([]);
	});

	it('the set-up screens have no axe violation and no sideways scroll, in both languages, on a desktop and a 360 px phone', async () => {
		const demo = 'undp-early-recovery-fuzuli-agjabadi-tartar';
		for (const lang of ['az', 'en']) {
			for (const viewport of [{ width: 1280, height: 900 }, PHONE]) {
				const g = await guardedContext(browser, { viewport });
				const page = await g.newPage();
				await uiLogin(page, siteUrl(), ADMIN, lang);
				for (const p of ['manage/programmes/', `manage/project/${demo}/setup/`, 'manage/admin/boundaries/']) {
					await page.goto(`${siteUrl()}/${lang}/${p}`);
					await page.waitForSelector('main h1');
					await page.waitForLoadState('networkidle');
					const v = await axe(page);
					expect(v, `${lang} ${p}: ${describeViolations(v)}`).toEqual([]);
					await noOverflow(page);
				}
				await screenshot(page, `setup-boundaries-${lang}-${viewport.width}`);
				expect(g.outside).toEqual([]);
				await g.context.close();
			}
		}
	});
});

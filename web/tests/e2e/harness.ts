//! The browser side of the e2e suite: Debian's Chromium driven by playwright-core
//! (never a downloaded browser), contexts in which every request outside the
//! allowed origins is blocked and recorded (a test fails if anything tried),
//! axe-core, and screenshots into web/test-results/screenshots/.
//! Both the public-site tests and the /manage tests use it.
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { inject } from 'vitest';

export const WEB_ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOT_DIR = join(WEB_ROOT, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const siteUrl = (): string => inject('siteUrl');
export const apiUrl = (): string => inject('apiUrl');

/** Headless Chromium with the flags that keep it from calling home. */
export function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-default-apps',
			'--disable-extensions',
			'--metrics-recording-only',
			'--no-default-browser-check'
		]
	});
}

export interface GuardedContext {
	context: BrowserContext;
	/** URLs outside the allowed origins that something tried to load. */
	outside: string[];
	/** Console errors and uncaught page errors. */
	errors: string[];
	newPage(): Promise<Page>;
}

/**
 * A browser context in which only `allowed` origins (default: the site and the
 * API) can be reached; everything else is aborted and recorded in `outside`.
 */
export async function guardedContext(
	browser: Browser,
	options: BrowserContextOptions & { allowed?: string[] } = {}
): Promise<GuardedContext> {
	const { allowed = [siteUrl(), apiUrl()], ...ctxOptions } = options;
	const origins = new Set(allowed.map((u) => new URL(u).origin));
	const context = await browser.newContext({ locale: 'en-GB', ...ctxOptions });
	const outside: string[] = [];
	const errors: string[] = [];
	await context.route('**/*', (route) => {
		const url = route.request().url();
		if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return route.continue();
		let origin = '';
		try {
			origin = new URL(url).origin;
		} catch {
			/* unparsable: blocked */
		}
		if (origins.has(origin)) return route.continue();
		outside.push(url);
		return route.abort('blockedbyclient');
	});
	const watch = (page: Page) => {
		page.on('console', (msg) => {
			if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
		});
		page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
	};
	context.on('page', watch);
	return { context, outside, errors, newPage: () => context.newPage() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: string[];
}

/** Runs axe-core (WCAG 2.1 A/AA + best practices) on the page; returns its violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
	// Evaluated through the DevTools protocol, so the page's CSP (which blocks
	// inline scripts) still applies to the page itself.
	if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
	return page.evaluate(async () => {
		// @ts-expect-error axe is injected above
		const r = await window.axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }
		});
		return r.violations.map((v: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.map((n) => n.target.join(' '))
		}));
	});
}

/** Readable summary of axe violations for an assertion message. */
export function describeViolations(v: AxeViolation[]): string {
	return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n    ${x.nodes.slice(0, 5).join('\n    ')}`).join('\n');
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const path = join(SCREENSHOT_DIR, `${name}.png`);
	await page.screenshot({ path, fullPage: true });
	return path;
}

/** Viewports the suite uses. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

/** Text with no-break and narrow spaces turned into plain spaces (for number comparisons). */
export function plain(text: string | null | undefined): string {
	return (text ?? '').replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();
}

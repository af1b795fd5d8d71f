// The JavaScript budget: every public page loads under 100 KB of compressed
// JavaScript — checked over the build output (scripts/size-check.mjs) and by
// counting what the browser actually downloads on arrival.
import { describe, expect, inject, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { guardedContext, launchBrowser, siteUrl, WEB_ROOT } from './harness';

const BUDGET = 100 * 1024;

describe('JavaScript per public page', () => {
	it('is under 100 KB compressed on every prerendered page of the build', () => {
		const r = spawnSync('node', [join(WEB_ROOT, 'scripts/size-check.mjs'), inject('buildDir'), '--json'], { encoding: 'utf8' });
		const report = JSON.parse(r.stdout) as { rows: { page: string; gzip: number }[] };
		expect(report.rows.length).toBeGreaterThan(20);
		const over = report.rows.filter((x) => x.gzip > BUDGET);
		expect(over).toEqual([]);
		expect(r.status).toBe(0);
	});

	it('matches what the browser downloads on the heaviest pages', async () => {
		const browser = await launchBrowser();
		const g = await guardedContext(browser);
		for (const path of ['/en/', '/az/programme/undp-early-recovery-fuzuli-agjabadi-tartar/', '/en/area/az-fuz/']) {
			const page = await g.newPage();
			const bodies: Promise<number>[] = [];
			page.on('response', (res) => {
				if (res.request().resourceType() === 'script' || res.url().endsWith('.js'))
					bodies.push(res.body().then((b) => gzipSync(b, { level: 6 }).length).catch(() => 0));
			});
			await page.goto(`${siteUrl()}${path}`, { waitUntil: 'networkidle' });
			const total = (await Promise.all(bodies)).reduce((a, b) => a + b, 0);
			expect(total, path).toBeGreaterThan(10 * 1024);
			expect(total, path).toBeLessThan(BUDGET);
			await page.close();
		}
		expect(g.outside).toEqual([]);
		await browser.close();
	});
});

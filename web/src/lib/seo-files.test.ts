import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicPages, seoFiles, writeSeoFiles } from '../../scripts/seo-files.mjs';

function site(): string {
	const dir = mkdtempSync(join(tmpdir(), 'seo-'));
	for (const p of ['az', 'en', 'az/programme/a&b', 'en/programme/a&b', 'en/method', 'az/manage', 'en/manage/admin', 'embed/az/programme/x', 'graphiql'])
		mkdirSync(join(dir, p), { recursive: true });
	for (const p of ['az', 'en', 'az/programme/a&b', 'en/programme/a&b', 'en/method', 'az/manage', 'en/manage/admin', 'embed/az/programme/x', 'graphiql'])
		writeFileSync(join(dir, p, 'index.html'), '<!doctype html>');
	writeFileSync(join(dir, '200.html'), '<!doctype html>');
	return dir;
}

describe('robots.txt and sitemap.xml', () => {
	it('list the public pages of both languages, not /manage, the embeds or GraphiQL', () => {
		expect(publicPages(site())).toEqual(['/az/', '/az/programme/a&b/', '/en/', '/en/method/', '/en/programme/a&b/']);
	});
	it('write absolute, escaped URLs with language alternates when the site address is known', () => {
		const { robots, sitemap } = seoFiles(['/az/', '/en/', '/en/method/', '/az/programme/a&b/', '/en/programme/a&b/'], 'https://hub.example.org/');
		expect(sitemap).toContain('<loc>https://hub.example.org/en/method/</loc>');
		expect(sitemap).toContain('<loc>https://hub.example.org/az/programme/a&amp;b/</loc>');
		expect(sitemap).toContain('hreflang="en" href="https://hub.example.org/en/programme/a&amp;b/"');
		expect(sitemap.match(/<url>/g)).toHaveLength(5);
		expect(robots).toContain('Sitemap: https://hub.example.org/sitemap.xml');
		expect(robots).toContain('Disallow: /az/manage/');
	});
	it('are written as files into the build', () => {
		const dir = site();
		expect(writeSeoFiles(dir, '')).toBe(5);
		expect(readFileSync(join(dir, 'robots.txt'), 'utf8')).toMatch(/^User-agent: \*/);
		expect(readFileSync(join(dir, 'sitemap.xml'), 'utf8')).toMatch(/^<\?xml[^]*<loc>\/az\/<\/loc>/);
	});
});

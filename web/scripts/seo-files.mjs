//! robots.txt and sitemap.xml, written into the built site after prerendering so
//! they are real files (not the HTML fallback): the sitemap lists every
//! prerendered public page, both languages, with each page's other language as
//! an alternate; /manage/ (log-in pages), the embeds and GraphiQL are left out
//! of it, and robots.txt asks crawlers to keep out of /manage/.
//! URLs are absolute when the site's address is known (PUBLIC_SITE_URL), as the
//! sitemap protocol asks; without it they are root-relative.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const EXCLUDED = /^\/(?:[a-z]{2}\/manage|embed|graphiql)\//;

/** The public pages of a built site as paths (`/az/`, `/en/programme/x/`), sorted. */
export function publicPages(outDir) {
	const out = [];
	const walk = (dir) => {
		for (const name of readdirSync(dir)) {
			const p = join(dir, name);
			if (statSync(p).isDirectory()) walk(p);
			else if (name === 'index.html') out.push(`/${relative(outDir, dir).split(sep).join('/')}/`.replace(/\/+/g, '/'));
		}
	};
	walk(outDir);
	return out.filter((p) => /^\/(az|en)\//.test(p) && !EXCLUDED.test(p)).sort();
}

const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The two files' text for these pages under `siteUrl` ('' = root-relative). */
export function seoFiles(pages, siteUrl = '') {
	const base = siteUrl.replace(/\/+$/, '');
	const set = new Set(pages);
	const other = (p) => p.replace(/^\/(az|en)\//, (_, l) => `/${l === 'az' ? 'en' : 'az'}/`);
	const urls = pages.map((p) => {
		const alts = [p, other(p)].filter((q) => set.has(q)).sort();
		const links = alts.length > 1 ? alts.map((q) => `\n    <xhtml:link rel="alternate" hreflang="${q.slice(1, 3)}" href="${xml(base + q)}"/>`).join('') : '';
		return `  <url>\n    <loc>${xml(base + p)}</loc>${links}\n  </url>`;
	});
	const sitemap = `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join('\n')}\n</urlset>\n`;
	const robots = `User-agent: *\nDisallow: /az/manage/\nDisallow: /en/manage/\nAllow: /\n${base ? `\nSitemap: ${base}/sitemap.xml\n` : ''}`;
	return { robots, sitemap };
}

/** Writes robots.txt and sitemap.xml into `outDir`; returns how many pages the sitemap lists. */
export function writeSeoFiles(outDir, siteUrl = '') {
	if (!existsSync(outDir)) throw new Error(`no built site at ${outDir}`);
	const pages = publicPages(outDir);
	const { robots, sitemap } = seoFiles(pages, siteUrl);
	writeFileSync(join(outDir, 'robots.txt'), robots);
	writeFileSync(join(outDir, 'sitemap.xml'), sitemap);
	return pages.length;
}

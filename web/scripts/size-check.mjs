#!/usr/bin/env node
//! JavaScript budget per public page: for every prerendered page of a build
//! (not /manage, not GraphiQL), the scripts it loads on arrival — its entry
//! scripts, every <link rel="modulepreload">, and their static imports,
//! followed transitively — each gzip-compressed (level 6, what servers use), summed.
//! What is only reachable through dynamic imports (other pages' code for
//! client-side navigation, Plot when live data differs from the build's) is
//! reported apart and not counted. Exits 1 when a page exceeds the budget (default 100 KB).
//!   node scripts/size-check.mjs [buildDir] [--budget=102400] [--json]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const root = resolve(args.find((a) => !a.startsWith('--')) ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'build'));
const budget = Number((args.find((a) => a.startsWith('--budget=')) ?? '--budget=102400').split('=')[1]);
const json = args.includes('--json');

const gz = new Map();
function gzSize(file) {
	if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(file), { level: 6 }).length);
	return gz.get(file);
}

const STATIC_IMPORT = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+\.js)["']/g;
const DYNAMIC_IMPORT = /import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g;

/** Static imports of a JS file, transitively (resolved relative to the file). */
function closure(files) {
	const seen = new Set();
	const todo = [...files];
	while (todo.length) {
		const f = todo.pop();
		if (seen.has(f) || !existsSync(f)) continue;
		seen.add(f);
		const src = readFileSync(f, 'utf8');
		for (const m of src.matchAll(STATIC_IMPORT)) todo.push(resolve(dirname(f), m[1]));
	}
	return seen;
}

function dynamicImports(files) {
	const out = new Set();
	for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(DYNAMIC_IMPORT)) out.add(resolve(dirname(f), m[1]));
	for (const f of files) out.delete(f);
	return out;
}

function pages(dir) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) {
			if (['_app', 'graphiql', 'manage'].includes(name)) continue;
			out.push(...pages(p));
		} else if (name.endsWith('.html') && name !== '200.html') out.push(p);
	}
	return out;
}

function urlToFile(htmlFile, url) {
	if (/^https?:/.test(url)) return null;
	return url.startsWith('/') ? join(root, url.replace(/^\/+/, '')) : resolve(dirname(htmlFile), url);
}

const rows = [];
for (const html of pages(root).sort()) {
	const text = readFileSync(html, 'utf8');
	const entries = new Set();
	for (const m of text.matchAll(/<link\b[^>]*>/g)) {
		if (!/rel="modulepreload"/.test(m[0])) continue;
		const h = /href="([^"]+)"/.exec(m[0]);
		if (h) entries.add(urlToFile(html, h[1]));
	}
	for (const m of text.matchAll(/<script[^>]+src="([^"]+)"/g)) entries.add(urlToFile(html, m[1]));
	// SvelteKit's inline boot script imports its entry chunks by path.
	for (const m of text.matchAll(/import\(["']([^"']+\.js)["']\)/g)) entries.add(urlToFile(html, m[1]));
	entries.delete(null);
	const files = closure([...entries]);
	const lazy = [...closure([...dynamicImports(files)])].filter((f) => !files.has(f));
	const bytes = [...files].reduce((s, f) => s + gzSize(f), 0);
	const lazyBytes = lazy.reduce((s, f) => s + gzSize(f), 0);
	rows.push({ page: '/' + relative(root, html).replace(/index\.html$/, ''), files: files.size, gzip: bytes, onDemand: lazyBytes });
}

if (rows.length === 0) {
	console.error(`size-check: no prerendered pages in ${root}`);
	process.exit(1);
}
const over = rows.filter((r) => r.gzip > budget);
if (json) console.log(JSON.stringify({ budget, rows }, null, 2));
else {
	const kb = (n) => (n / 1024).toFixed(1).padStart(6) + ' KB';
	console.log(`JavaScript per page (gzip), budget ${kb(budget).trim()}:`);
	for (const r of rows) console.log(`${kb(r.gzip)}  ${String(r.files).padStart(3)} files  (+${kb(r.onDemand).trim()} lazily reachable)  ${r.page}`);
	console.log(over.length ? `${over.length} page(s) over budget` : `all ${rows.length} pages within budget`);
}
process.exit(over.length ? 1 : 0);

#!/usr/bin/env node
//! `npm run build`: the SvelteKit site (vite build, into BUILD_DIR, default build/)
//! with its persisted-query manifest (<BUILD_DIR>/persisted-queries.json: every
//! GraphQL document the site can send, as sent, by SHA-256; see
//! src/lib/api/manifest.ts), checked here before the build counts as done,
//! and GraphiQL (vite.graphiql.config.ts) copied into <BUILD_DIR>/graphiql/.
//! GraphiQL's build (React + Monaco) is cached in .graphiql-build/, keyed by what
//! it depends on, so the e2e and portal builds do not repeat it.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSiteConfig } from './portal-config.mjs';
import { checkPortal } from './portal-check.mjs';
import { writeSeoFiles } from './seo-files.mjs';
import { bin, runOrExit, WEB_DIR } from './lib.mjs';

const outDir = join(WEB_DIR, process.env.BUILD_DIR || 'build');
const quiet = process.argv.includes('--quiet') ? ['--logLevel', 'warn'] : [];
// A donor portal that selects no programme is a mistake, not a site: check it
// against the API before building.
const site = readSiteConfig();
if (site.portal) {
	try {
		const { organisation, programmes } = await checkPortal(site.portal, site.prerenderApiUrl || site.apiUrl);
		if (!quiet.length) console.log(`[build] portal of ${organisation}: ${programmes.length} programmes (${programmes.join(', ')})`);
	} catch (e) {
		console.error(`[build] portal configuration: ${e instanceof Error ? e.message : e}`);
		process.exit(1);
	}
}
runOrExit(bin('vite'), ['build', ...quiet], { cwd: WEB_DIR });
// Prerendering records the API answers it inlined as files of the site (a
// same-origin dependency); they belong to the API, not to the static site.
for (const f of ['graphql', 'schema.graphql', 'export']) rmSync(join(outDir, f), { recursive: true, force: true });
const listed = writeSeoFiles(outDir, site.siteUrl);
if (!quiet.length) console.log(`[build] robots.txt and sitemap.xml (${listed} pages)${site.siteUrl ? '' : ': set PUBLIC_SITE_URL for absolute sitemap URLs'}`);

// The manifest the API loads with API_PERSISTED_QUERIES_FILE: each id must be
// the SHA-256 of exactly the text the client sends, or allow-list mode refuses it.
const manifestFile = join(outDir, 'persisted-queries.json');
if (!existsSync(manifestFile)) {
	console.error(`[build] ${manifestFile} was not written (src/routes/persisted-queries.json)`);
	process.exit(1);
}
const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const badIds = manifest.operations.filter((op) => createHash('sha256').update(op.body, 'utf8').digest('hex') !== op.id);
if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.operations.length === 0 || badIds.length > 0) {
	console.error(`[build] ${manifestFile} is not a valid manifest${badIds.length ? `: wrong id of ${badIds.map((o) => o.name).join(', ')}` : ''}`);
	process.exit(1);
}
if (!quiet.length) console.log(`[build] ${manifest.operations.length} documents registered in ${manifestFile}`);

const key = createHash('sha256');
for (const f of ['package-lock.json', 'vite.graphiql.config.ts', '../api/schema.graphql', ...readdirSync(join(WEB_DIR, 'graphiql')).map((f) => `graphiql/${f}`)])
	key.update(f).update(readFileSync(join(WEB_DIR, f)));
key.update(site.apiUrl).update(process.env.BASE_PATH || '');
const digest = key.digest('hex');
const cache = join(WEB_DIR, '.graphiql-build');
const stamp = join(cache, '.key');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
	console.log('[build] GraphiQL…');
	runOrExit(bin('vite'), ['build', '-c', 'vite.graphiql.config.ts', '--logLevel', 'error'], {
		cwd: WEB_DIR,
		env: { GRAPHIQL_OUT_DIR: '.graphiql-build' }
	});
	writeFileSync(stamp, digest);
}
rmSync(join(outDir, 'graphiql'), { recursive: true, force: true });
cpSync(cache, join(outDir, 'graphiql'), { recursive: true, filter: (src) => !src.endsWith('.key') });

#!/usr/bin/env node
//! `npm --prefix web start`: build the site, then run the API (`cargo run -p api --
//! serve`) serving it from WEB_DIR at http://127.0.0.1:8080/ on the embedded demo
//! database. Once the API answers, the site is built a second time with the API's
//! data prerendered into the pages (so they read without JavaScript) and swapped
//! in; the API reads files per request, so no restart is needed. The API starts
//! with the build's persisted-query manifest (API_PERSISTED_QUERIES_FILE) in the
//! default `apq` mode: the site's documents are known by hash from the first
//! request, and any other client can still send or register its own.
//! Signals (Ctrl-C) are forwarded to the API.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDeps, REPO_DIR, runOrExit, spawn, waitFor, WEB_DIR } from './lib.mjs';

ensureDeps();
const buildDir = join(WEB_DIR, 'build');
console.log('[web] building the site…');
runOrExit('node', ['scripts/build.mjs'], { cwd: WEB_DIR, env: { BUILD_DIR: 'build', PRERENDER_API_URL: '' } });

const bind = process.env.API_BIND || `127.0.0.1:${process.env.PORT || 8080}`;
const origin = `http://${bind.replace(/^0\.0\.0\.0/, '127.0.0.1')}`;
const api = spawn('cargo', ['run', '-p', 'api', '--', 'serve'], {
	cwd: REPO_DIR,
	stdio: 'inherit',
	// The prerender below reads every page from this address at once: give
	// anonymous loopback readers a budget that fits it (README "Rate limits").
	env: {
		RATE_LIMIT_ANONYMOUS: '10000000',
		// Read once at start, before the prerendered build replaces build/.
		API_PERSISTED_QUERIES_FILE: join(buildDir, 'persisted-queries.json'),
		...process.env,
		WEB_DIR: buildDir
	}
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => api.kill(sig));
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));

if (process.env.START_PRERENDER !== '0') {
	try {
		// The first `cargo run` may compile for several minutes.
		await waitFor(`${origin}/health`, { timeoutMs: 20 * 60_000, child: api });
		const next = join(WEB_DIR, 'build-next');
		rmSync(next, { recursive: true, force: true });
		console.log(`[web] prerendering the pages with the data of ${origin}…`);
		runOrExit('node', ['scripts/build.mjs', '--quiet'], {
			cwd: WEB_DIR,
			env: { BUILD_DIR: 'build-next', KIT_OUT_DIR: '.svelte-kit-next', PRERENDER_API_URL: origin }
		});
		const old = join(WEB_DIR, 'build-old');
		rmSync(old, { recursive: true, force: true });
		if (existsSync(buildDir)) renameSync(buildDir, old);
		renameSync(next, buildDir);
		rmSync(old, { recursive: true, force: true });
		console.log(`[web] the site is at ${origin}/ (az: ${origin}/az/, en: ${origin}/en/)`);
	} catch (e) {
		console.error(`[web] prerendering with data skipped: ${e.message}; the pages load their data in the browser`);
	}
}

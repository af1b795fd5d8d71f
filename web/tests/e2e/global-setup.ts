//! Once per e2e run: a fresh API (fresh demo database) and the site built against
//! it into web/build-e2e, served by the API itself (WEB_DIR) when the binary can,
//! else by tests/e2e/static-server.mjs proxying the API paths (same origin either
//! way). Tests read the addresses with `inject('siteUrl')` / `inject('apiUrl')`.
//! E2E_REUSE_BUILD=1 skips the build when web/build-e2e exists (faster reruns).
//! E2E_PORT fixes the ports (default: the first free block from 18300).
import type { TestProject } from 'vitest/node';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildSite, startApi, WEB_DIR } from './stack.mjs';
import { serveStatic } from './static-server.mjs';

declare module 'vitest' {
	export interface ProvidedContext {
		siteUrl: string;
		apiUrl: string;
		buildDir: string;
		apiLog: string;
		/** First free port for extra servers a test starts (donor portals…). */
		portBase: number;
	}
}

/** Whether 127.0.0.1:port can be bound now. */
function portFree(port: number): Promise<boolean> {
	return new Promise((ok) => {
		const s = createServer();
		s.once('error', () => ok(false));
		s.listen(port, '127.0.0.1', () => s.close(() => ok(true)));
	});
}

/**
 * The run's ports (base: API, +1: fallback site, +10…+14: extra servers) and build
 * folder. Two runs at once (two developers' suites on one machine) must not share
 * either: without E2E_PORT a free block is chosen, and a run that finds web/build-e2e
 * locked by another builds into a folder of its own.
 */
async function claimRun(): Promise<{ base: number; buildName: string; release: () => void }> {
	let base = Number(process.env.E2E_PORT || 0);
	if (!base) {
		for (base = 18300; base < 19300; base += 20) if ((await portFree(base)) && (await portFree(base + 1)) && (await portFree(base + 10))) break;
	}
	const lock = join(WEB_DIR, '.build-e2e.lock');
	try {
		mkdirSync(lock);
		return { base, buildName: 'build-e2e', release: () => rmSync(lock, { recursive: true, force: true }) };
	} catch {
		return { base, buildName: `build-e2e-${base}`, release: () => {} };
	}
}

export default async function setup(project: TestProject) {
	const run = await claimRun();
	const base = run.base;
	const buildDir = join(WEB_DIR, run.buildName);
	const reuse = process.env.E2E_REUSE_BUILD === '1' && existsSync(join(buildDir, 'az', 'index.html'));
	const siteEnv = { PUBLIC_API_URL: '', PORTAL_ORG: '', PORTAL_CONFIG: '' };
	// The API refuses to start on a WEB_DIR without a built site, and the build
	// needs the API to prerender from: a stand-in page lets the API start, and the
	// real build (which empties the folder) replaces it; the API reads files per request.
	if (!existsSync(join(buildDir, '200.html'))) {
		mkdirSync(buildDir, { recursive: true });
		writeFileSync(join(buildDir, '200.html'), '<!doctype html><title>building</title>');
	}
	const api = await startApi({
		port: base,
		env: {
			WEB_DIR: buildDir,
			// the webhook test subscribes a receiver of its own on loopback
			WEBHOOK_ALLOW_PRIVATE: 'true',
			WEBHOOK_POLL_MS: '100',
			// donor-portal builds are served from their own origins (separate deployments)
			API_CORS_ORIGINS: Array.from({ length: 5 }, (_, i) => `http://127.0.0.1:${base + 10 + i}`).join(',')
		}
	});
	const t0 = Date.now();
	if (!reuse) {
		buildSite(run.buildName, { ...siteEnv, PRERENDER_API_URL: api.url });
		console.log(`[e2e] site built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	}
	// Does this API binary serve WEB_DIR? (/az/ is a prerendered page of the site.)
	const probe = await fetch(`${api.url}/az/`).catch(() => null);
	const served = !!probe && probe.ok && (probe.headers.get('content-type') ?? '').includes('text/html');
	let siteUrl = api.url;
	let closeSite: (() => Promise<unknown>) | null = null;
	if (!served) {
		const s = await serveStatic({ root: buildDir, port: base + 1, proxyTo: api.url });
		siteUrl = s.url;
		closeSite = s.close;
		console.log(`[e2e] the API does not serve WEB_DIR; site on ${siteUrl} proxying ${api.url}`);
	}
	project.provide('siteUrl', siteUrl);
	project.provide('apiUrl', api.url);
	project.provide('buildDir', buildDir);
	project.provide('apiLog', api.log);
	project.provide('portBase', base + 10);
	return async () => {
		await closeSite?.();
		await api.stop();
		run.release();
	};
}

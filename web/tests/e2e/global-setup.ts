//! Once per e2e run: a fresh API (fresh demo database) and the site built against
//! it into web/build-e2e, served by the API itself (WEB_DIR) when the binary can,
//! else by tests/e2e/static-server.mjs proxying the API paths (same origin either
//! way). Tests read the addresses with `inject('siteUrl')` / `inject('apiUrl')`.
//! E2E_REUSE_BUILD=1 skips the build when web/build-e2e exists (faster reruns).
import type { TestProject } from 'vitest/node';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

export default async function setup(project: TestProject) {
	const base = Number(process.env.E2E_PORT || 18300);
	const buildDir = join(WEB_DIR, 'build-e2e');
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
			// donor-portal builds are served from their own origins (separate deployments)
			API_CORS_ORIGINS: Array.from({ length: 5 }, (_, i) => `http://127.0.0.1:${base + 10 + i}`).join(',')
		}
	});
	const t0 = Date.now();
	if (!reuse) {
		buildSite('build-e2e', { ...siteEnv, PRERENDER_API_URL: api.url });
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
	};
}

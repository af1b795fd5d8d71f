//! Starting the real things for end-to-end tests: the API binary (API_BIN, else
//! `cargo build -p api` honouring CARGO_TARGET_DIR) in a fresh temporary directory
//! (so a fresh embedded demo database), and site builds (`vite build` into a named
//! folder, prerendered from that API). Used by global-setup.ts and by tests that
//! need an extra build (donor portals).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WEB_DIR = resolve(import.meta.dirname, '..', '..');
export const REPO_DIR = resolve(WEB_DIR, '..');

/** The API binary: $API_BIN, else built with cargo (incremental; a no-op when up to date). */
export function apiBinary() {
	if (process.env.API_BIN) {
		if (!existsSync(process.env.API_BIN)) throw new Error(`API_BIN=${process.env.API_BIN} does not exist`);
		return process.env.API_BIN;
	}
	const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(REPO_DIR, 'target');
	const r = spawnSync('cargo', ['build', '-p', 'api'], { cwd: REPO_DIR, stdio: 'inherit' });
	if (r.status !== 0) throw new Error('cargo build -p api failed');
	return join(target, 'debug', 'api');
}

async function waitHealthy(url, child, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode}) before answering; see its log`);
		try {
			if ((await fetch(url)).ok) return;
		} catch {
			/* starting */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/**
 * Starts the API on `port` in a fresh temporary cwd (fresh demo database).
 * Resolves to `{ url, cwd, log, stop }`.
 */
export async function startApi({ port, env = {} }) {
	const bin = apiBinary();
	const cwd = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
	const log = join(cwd, 'api.log');
	const out = createWriteStream(log);
	const child = spawn(bin, ['serve'], {
		cwd,
		// Every page of the suite (and the prerender) reads from 127.0.0.1: a
		// budget that fits them (the API's own tests cover the limits).
		env: { RATE_LIMIT_ANONYMOUS: '10000000', ...process.env, DATABASE_URL: '', RUST_LOG: process.env.RUST_LOG || 'info', API_BIND: `127.0.0.1:${port}`, ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout.pipe(out);
	child.stderr.pipe(out);
	const url = `http://127.0.0.1:${port}`;
	await waitHealthy(`${url}/health`, child, 120_000);
	return {
		url,
		cwd,
		log,
		stop: () =>
			new Promise((r) => {
				if (child.exitCode !== null) return r(undefined);
				child.once('exit', () => r(undefined));
				child.kill('SIGTERM');
			})
	};
}

/** `npm run build` (scripts/build.mjs) into web/<dir> with extra environment (PRERENDER_API_URL, PORTAL_*…). */
export function buildSite(dir, env = {}) {
	const r = spawnSync('node', ['scripts/build.mjs', '--quiet'], {
		cwd: WEB_DIR,
		stdio: 'inherit',
		// Vitest sets NODE_ENV=test, which would make Vite build a development bundle.
		env: { ...process.env, NODE_ENV: 'production', BUILD_DIR: dir, KIT_OUT_DIR: `.svelte-kit-${dir}`, ...env }
	});
	if (r.status !== 0) throw new Error(`vite build into ${dir} failed`);
	return join(WEB_DIR, dir);
}

//! Shared helpers of the two README commands (start.mjs, test-all.mjs): install
//! dependencies when needed, run a command with inherited output, wait for a URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = resolve(WEB_DIR, '..');

/** Installs web/ dependencies when node_modules is missing or older than package-lock.json. */
export function ensureDeps() {
	const lock = join(WEB_DIR, 'package-lock.json');
	const marker = join(WEB_DIR, 'node_modules', '.package-lock.json');
	if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
	// `npm install` with the committed lock installs exactly its versions and
	// leaves it unchanged. `npm ci` refuses this lock: @lix-js/sdk (under
	// Paraglide) lists per-platform optional packages that the registry here
	// only serves for linux-x64, so the lock cannot name the others.
	console.log('[web] installing dependencies (npm install from package-lock.json)…');
	runOrExit('npm', ['install', '--no-audit', '--no-fund'], { cwd: WEB_DIR });
}

/** Runs a command to completion with inherited stdio; exits this process with its code on failure. */
export function runOrExit(cmd, args, opts = {}) {
	const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts, env: { ...process.env, ...opts.env } });
	if (r.error) {
		console.error(`[web] could not run ${cmd}: ${r.error.message}`);
		process.exit(1);
	}
	if (r.status !== 0) {
		console.error(`[web] ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
		process.exit(r.status ?? 1);
	}
}

/** Local binaries of web/node_modules/.bin. */
export function bin(name) {
	return join(WEB_DIR, 'node_modules', '.bin', name);
}

/** Resolves when `url` answers 2xx; rejects after `timeoutMs` or when `child` exits first. */
export async function waitFor(url, { timeoutMs = 60_000, child } = {}) {
	const deadline = Date.now() + timeoutMs;
	let exited = false;
	child?.once('exit', () => (exited = true));
	while (Date.now() < deadline) {
		if (exited) throw new Error(`process exited before ${url} answered`);
		try {
			const r = await fetch(url);
			if (r.ok) return;
		} catch {
			/* not up yet */
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export { spawn };

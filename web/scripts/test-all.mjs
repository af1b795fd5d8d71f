#!/usr/bin/env node
//! `npm --prefix web test`: everything, stopping at the first failure —
//! the Rust suite (`cargo test --workspace`; skip with SKIP_CARGO=1), svelte-check,
//! gql.tada's check of every GraphQL document against ../api/schema.graphql, the
//! Vitest unit tests, then the end-to-end suite in headless Chromium against the
//! real API (which also builds the site and checks each page's JavaScript size).
import { bin, ensureDeps, REPO_DIR, runOrExit, WEB_DIR } from './lib.mjs';

const started = Date.now();
const step = (name) => console.log(`\n[web test] ${name} (${Math.round((Date.now() - started) / 1000)} s)`);

ensureDeps();
if (process.env.SKIP_CARGO !== '1') {
	step('cargo test --workspace');
	runOrExit('cargo', ['test', '--workspace'], { cwd: REPO_DIR });
}
step('svelte-check');
runOrExit('npm', ['run', '--silent', 'check'], { cwd: WEB_DIR });
step('gql.tada check (documents against ../api/schema.graphql)');
runOrExit(bin('gql.tada'), ['check', '--fail-on-warn'], { cwd: WEB_DIR });
step('unit tests (vitest)');
runOrExit(bin('vitest'), ['run'], { cwd: WEB_DIR });
step('end-to-end tests (headless Chromium, real API)');
runOrExit(bin('vitest'), ['run', '--config', 'vitest.e2e.config.ts'], { cwd: WEB_DIR });
step(`all web tests passed`);

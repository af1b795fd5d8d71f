// End-to-end suite: real API + built site + headless Chromium. One file at a time
// (the machine has two shared cores); generous timeouts for the first build.
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['tests/e2e/**/*.e2e.ts'],
		globalSetup: ['tests/e2e/global-setup.ts'],
		fileParallelism: false,
		testTimeout: 60_000,
		hookTimeout: 240_000,
		pool: 'forks',
		reporters: ['default']
	}
});

// SvelteKit configuration: a fully static build (adapter-static) with a SPA
// fallback page for routes that cannot be prerendered (/manage, unknown slugs).
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

import { readSiteConfig } from './scripts/portal-config.mjs';

const out = process.env.BUILD_DIR || 'build';
const site = readSiteConfig();
// With a same-origin API the pages are prerendered "at" the API's origin, so the
// responses inlined into them carry the paths the browser will request.
const prerenderOrigin = !site.apiUrl && site.prerenderApiUrl ? new URL(site.prerenderApiUrl).origin : undefined;

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Builds that run at the same time (e2e, donor portals, a developer's) each
		// need their own generated folder, or they overwrite each other's output.
		outDir: process.env.KIT_OUT_DIR || '.svelte-kit',
		adapter: adapter({ pages: out, assets: out, fallback: '200.html', precompress: false, strict: true }),
		paths: { base: process.env.BASE_PATH || '', relative: false },
		// Only script-src is hashed: Plot and Svelte set inline styles, and a hash in
		// style-src would switch off the server's 'unsafe-inline' for styles.
		csp: { mode: 'hash', directives: { 'script-src': ['self'] } },
		prerender: {
			// Pages are reached from each language's home page and from the entries()
			// of dynamic routes; a link to a page that failed to prerender is an error.
			entries: ['*', '/az/', '/en/'],
			...(prerenderOrigin ? { origin: prerenderOrigin } : {}),
			// The API's own paths (downloads, schema) are not pages of the site; every
			// other broken link fails the build.
			handleHttpError: ({ path, message }) => {
				if (/^\/(export\/|graphql|schema\.graphql|health)/.test(path)) return;
				throw new Error(message);
			},
			handleMissingId: 'fail',
			// Without an API at build time the dynamic pages are not reached; the
			// 200.html fallback renders them in the browser.
			handleUnseenRoutes: 'warn'
		},
		alias: { $paraglide: 'src/lib/paraglide' },
		// The pages' CSS (a few KB) inlined into each page: no render-blocking
		// stylesheet requests before the first paint on a slow line.
		inlineStyleThreshold: 32 * 1024
	}
};

export default config;

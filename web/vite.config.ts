/// Vite configuration: SvelteKit, Paraglide (compiled from messages/ at build
/// time, nothing loaded from the network), the donor-portal virtual module, the
/// development proxy to the API and the unit-test (Vitest) settings.
import { sveltekit } from '@sveltejs/kit/vite';
import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { defineConfig } from 'vitest/config';
import { portalPlugin } from './scripts/portal-config.mjs';
import { mapOutlinePlugin } from './scripts/map-outline.mjs';

// Where `npm run dev` / `vite preview` send /graphql and /export (the API).
const devApi = process.env.DEV_API_URL || 'http://127.0.0.1:18080';
const proxy = Object.fromEntries(
	['/graphql', '/export', '/schema.graphql', '/health'].map((p) => [p, { target: devApi, changeOrigin: false }])
);

/**
 * The browser's JavaScript for the public pages in few files: on a phone on a
 * slow line (Lighthouse's mobile profile) each of the ~60 small chunks the
 * default split made cost a round trip through six connections before the
 * page hydrated. Everything a public page runs on arrival (the Svelte and
 * SvelteKit runtime, the site's own modules outside /manage, the public
 * messages) goes into one `site` chunk; /manage keeps its own chunks, and
 * Plot (loaded on demand to redraw a chart) stays out of it.
 */
const MANAGE_ONLY = /[\\/]src[\\/]lib[\\/](manage|rules|import)[\\/]/;
const MANAGE_MESSAGE = /[\\/]paraglide[\\/]messages[\\/](manage|setup|import|q)_/;
const LAZY = /[\\/]src[\\/]lib[\\/]charts[\\/](render|ssr)|@observablehq|[\\/]d3-(?!geo)|linkedom|idb-keyval/;
const SITE_PACKAGES = /[\\/]node_modules[\\/](svelte|@sveltejs[\\/]kit|esm-env|devalue|clsx|d3-geo|d3-array|@0no-co|gql\.tada|@inlang)[\\/]/;
// Modules that only re-export every message: captured, they would pull all
// messages (the /manage ones too) into the chunk with them.
const REEXPORTS = /[\\/](paraglide[\\/]messages[\\/]_index\.js|paraglide[\\/]messages\.js|src[\\/]lib[\\/]messages\.ts)$/;
function siteModule(id: string): boolean {
	if (REEXPORTS.test(id) || MANAGE_ONLY.test(id) || MANAGE_MESSAGE.test(id) || LAZY.test(id)) return false;
	if (SITE_PACKAGES.test(id)) return true;
	return /[\\/]src[\\/]lib[\\/]/.test(id) || id.startsWith('\0virtual:') || id.includes('virtual:');
}

export default defineConfig({
	build: {
		rolldownOptions: {
			output: {
				codeSplitting: { groups: [{ name: 'site', test: siteModule }] }
			}
		}
	},
	plugins: [
		paraglideVitePlugin({
			project: './project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['custom-path', 'baseLocale'],
			emitTsDeclarations: true
		}),
		portalPlugin(),
		mapOutlinePlugin(),
		sveltekit()
	],
	server: { proxy, port: 5173, strictPort: false },
	preview: { proxy },
	test: {
		include: ['src/**/*.test.ts'],
		environment: 'node'
	}
});

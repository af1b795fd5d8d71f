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

export default defineConfig({
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

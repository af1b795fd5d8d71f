// GraphiQL as a page of its own (web/graphiql/), built by scripts/build.mjs into
// <BUILD_DIR>/graphiql/. Kept apart from the SvelteKit build: it is an explorer for
// developers (React + Monaco, megabytes), never part of a public page's budget.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { readSiteConfig } from './scripts/portal-config.mjs';

const out = process.env.GRAPHIQL_OUT_DIR || '.graphiql-build';
const fontDir = resolve('node_modules/.cache/graphiql-fonts');

/**
 * graphiql's stylesheet inlines its fonts as data: URLs, which the site's CSP
 * (font-src 'self') refuses: write each to a file so Vite emits it as an asset.
 */
function fontsAsFiles(): Plugin {
	return {
		name: 'graphiql-fonts-as-files',
		enforce: 'pre',
		transform(code, id) {
			if (!id.endsWith('.css') || !code.includes('data:font/')) return null;
			mkdirSync(fontDir, { recursive: true });
			return code.replace(/url\((["']?)data:font\/([\w-]+);base64,([A-Za-z0-9+/=]+)\1\)/g, (_, _q, ext: string, b64: string) => {
				const bytes = Buffer.from(b64, 'base64');
				const file = join(fontDir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.${ext}`);
				writeFileSync(file, bytes);
				return `url("${file}")`;
			});
		}
	};
}

export default defineConfig({
	root: 'graphiql',
	base: `${process.env.BASE_PATH || ''}/graphiql/`,
	define: { 'import.meta.env.VITE_API_URL': JSON.stringify(readSiteConfig().apiUrl) },
	plugins: [fontsAsFiles()],
	build: { outDir: `../${out}`, emptyOutDir: true, chunkSizeWarningLimit: 8000, assetsInlineLimit: 0 },
	server: { fs: { allow: ['..', fontDir] } },
	logLevel: 'warn'
});

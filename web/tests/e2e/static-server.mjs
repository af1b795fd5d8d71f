//! A small static file server for the e2e suite, with the same path rules as the
//! API's WEB_DIR serving (exact file, `<path>.html`, `<path>/index.html`, else
//! `200.html` with status 200). It serves donor-portal builds as a separate
//! deployment (a different origin from the API, so CORS is exercised) and the main
//! build while the API binary cannot serve WEB_DIR itself; with `proxyTo`, API paths
//! are forwarded so the site and the API share one origin.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.txt': 'text/plain; charset=utf-8',
	'.webmanifest': 'application/manifest+json',
	'.wasm': 'application/wasm',
	'.ttf': 'font/ttf',
	'.woff2': 'font/woff2'
};
const API_PATHS = [/^\/graphql/, /^\/export\//, /^\/feeds\//, /^\/files\//, /^\/schema\.graphql$/, /^\/health$/];
const CSP =
	"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self' CONNECT; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors FA";

async function isFile(p) {
	try {
		return (await stat(p)).isFile();
	} catch {
		return false;
	}
}

/**
 * Starts the server; resolves to `{ url, close }`.
 * @param {{ root: string, port?: number, proxyTo?: string, connectSrc?: string, csp?: boolean }} options
 */
export function serveStatic({ root, port = 0, proxyTo = undefined, connectSrc = '', csp = true }) {
	const rootAbs = resolve(root);
	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? '/', 'http://x');
		if (proxyTo && API_PATHS.some((r) => r.test(url.pathname))) {
			const chunks = [];
			for await (const c of req) chunks.push(c);
			const headers = { ...req.headers };
			delete headers.host;
			try {
				const r = await fetch(proxyTo + url.pathname + url.search, {
					method: req.method,
					headers,
					body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : Buffer.concat(chunks)
				});
				const out = {};
				r.headers.forEach((v, k) => {
					if (!['content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
				});
				res.writeHead(r.status, out);
				res.end(Buffer.from(await r.arrayBuffer()));
			} catch (e) {
				res.writeHead(502).end(String(e));
			}
			return;
		}
		let path;
		try {
			path = decodeURIComponent(url.pathname);
		} catch {
			res.writeHead(400).end();
			return;
		}
		const rel = normalize(path).replace(/^(\.\.[/\\])+/, '');
		const candidates = [join(rootAbs, rel), join(rootAbs, rel + '.html'), join(rootAbs, rel, 'index.html')];
		let file = null;
		for (const c of candidates) if (c.startsWith(rootAbs) && (await isFile(c))) { file = c; break; }
		const fallback = !file;
		if (fallback) file = join(rootAbs, '200.html');
		if (!(await isFile(file))) {
			res.writeHead(404).end('not found');
			return;
		}
		const type = TYPES[extname(file)] ?? 'application/octet-stream';
		const headers = { 'content-type': type };
		if (csp && type.startsWith('text/html')) {
			headers['content-security-policy'] = CSP.replace('CONNECT', connectSrc).replace(
				'FA',
				url.pathname.startsWith('/embed/') ? '*' : "'self'"
			);
		}
		if (url.pathname.startsWith('/_app/immutable/')) headers['cache-control'] = 'public, max-age=31536000, immutable';
		res.writeHead(200, headers);
		res.end(await readFile(file));
	});
	return new Promise((ok, fail) => {
		server.once('error', fail);
		server.listen(port, '127.0.0.1', () => {
			const addr = server.address();
			ok({
				url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`,
				close: () => new Promise((r) => server.close(() => r(undefined)))
			});
		});
	});
}

/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
/**
 * The service worker: keeps the app shell (every built script and style,
 * the static files and the SPA fallback page) in a cache per build, so
 * /manage opens with no connection once it has been loaded. Navigations go
 * to the network first and fall back to the cached page (the prerendered one,
 * else 200.html, which boots any /manage route); built assets come from the
 * cache. The API (/graphql, /export, /health, /schema.graphql) is never
 * cached here: offline reads and writes are the page's job (outbox, copies
 * in IndexedDB), so a stale answer is never passed off as a live one.
 */
import { base, build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `shell-${version}`;
const FALLBACK = `${base}/200.html`;
const SHELL = [...build, ...files, ...prerendered, FALLBACK];
const API = ['/graphql', '/export', '/health', '/schema.graphql'].map((p) => `${base}${p}`);

sw.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			const cache = await caches.open(CACHE);
			// One missing file must not leave the whole shell uncached.
			await Promise.all(SHELL.map((url) => cache.add(url).catch(() => undefined)));
			await sw.skipWaiting();
		})()
	);
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const req = event.request;
	if (req.method !== 'GET') return;
	const url = new URL(req.url);
	if (url.origin !== sw.location.origin || API.some((p) => url.pathname.startsWith(p))) return;

	if (req.mode === 'navigate') {
		event.respondWith(
			(async () => {
				try {
					const res = await fetch(req);
					if (res.ok && prerendered.includes(url.pathname)) {
						const cache = await caches.open(CACHE);
						cache.put(url.pathname, res.clone()).catch(() => undefined);
					}
					return res;
				} catch {
					const cache = await caches.open(CACHE);
					return (await cache.match(url.pathname)) ?? (await cache.match(FALLBACK)) ?? Response.error();
				}
			})()
		);
		return;
	}

	if (build.includes(url.pathname) || files.includes(url.pathname)) {
		event.respondWith(
			(async () => {
				const cache = await caches.open(CACHE);
				return (await cache.match(url.pathname)) ?? fetch(req);
			})()
		);
	}
});

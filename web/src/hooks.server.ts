//! Server hooks, which run only while prerendering (the site is static):
//! Paraglide's middleware picks each page's locale from its path
//! ($lib/locale-strategy) and sets
//! `<html lang>`; answers of the build's own API are marked as readable, because
//! SvelteKit simulates browser CORS for a load function's cross-origin fetch and
//! the build (origin http://sveltekit-prerender) is not a browser origin the API lists.
import type { Handle, HandleFetch } from '@sveltejs/kit';
import config from 'virtual:site-config';
import { paraglideMiddleware } from '$lib/paraglide/server.js';
import { registerServerStrategy } from '$lib/locale-strategy';

registerServerStrategy();

export const handle: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, { transformPageChunk: ({ html }) => html.replace('%lang%', locale) });
	});

const API_PATH = /^\/(graphql|export\/|schema\.graphql)/;

export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
	if (!config.prerenderApiUrl) return fetch(request);
	const url = new URL(request.url);
	// Same-origin API (no PUBLIC_API_URL): the prerender origin is the API's, and
	// its paths go to the API over the network, not to the site's own routes.
	if (!config.apiUrl && url.origin === event.url.origin && API_PATH.test(url.pathname)) {
		return globalThis.fetch(new Request(config.prerenderApiUrl + url.pathname + url.search, request));
	}
	// Separate API: the page fetches PUBLIC_API_URL, which the build reads at
	// PRERENDER_API_URL; its answers are marked readable, because SvelteKit simulates
	// browser CORS for a load's cross-origin fetch and the build is no browser origin.
	if (config.apiUrl && request.url.startsWith(config.apiUrl + '/')) {
		const target = config.prerenderApiUrl + request.url.slice(config.apiUrl.length);
		const response = await globalThis.fetch(new Request(target, request));
		const headers = new Headers(response.headers);
		headers.set('access-control-allow-origin', '*');
		return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
	}
	return fetch(request);
};

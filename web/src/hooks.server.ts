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

export const handleFetch: HandleFetch = async ({ request, fetch }) => {
	const response = await fetch(request);
	if (!config.prerenderApiUrl || !request.url.startsWith(config.prerenderApiUrl + '/')) return response;
	const headers = new Headers(response.headers);
	headers.set('access-control-allow-origin', '*');
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
};

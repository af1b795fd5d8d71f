//! `<build>/persisted-queries.json`: the persisted-query manifest of every
//! document the site can send ($lib/api/manifest), written by the build for the
//! API's API_PERSISTED_QUERIES_FILE (README "Caching public reads behind a CDN").
import { persistedManifest } from '$lib/api/manifest';
import type { RequestHandler } from './$types';

export const prerender = true;

export const GET: RequestHandler = async () =>
	new Response(JSON.stringify(await persistedManifest(), null, '\t') + '\n', {
		headers: { 'content-type': 'application/json; charset=utf-8' }
	});

// /manage runs in the browser only: its data needs a log-in, so nothing is
// prerendered; the static host's fallback page (200.html) boots every route.
import { browser } from '$app/environment';
import { manage } from '$lib/manage/manage.svelte';

export const prerender = false;
export const ssr = false;

export function load() {
	if (browser) manage.start();
	return {};
}

//! Paraglide's locale, taken from the page's path: `/az/…`, `/en/…`, and for
//! embeds `/embed/az/…`, `/embed/en/…` (after the base path). Paraglide's own
//! `url` strategy reads only the first segment, which for embeds is `embed`.
//! Registered for the server (prerendering) and the browser by the hooks.
import { base } from '$app/paths';
import { defineCustomClientStrategy, defineCustomServerStrategy } from '$lib/paraglide/runtime.js';
import { isLang, type Lang } from './i18n';

/** The language segment of a path, or undefined. */
export function langFromPath(pathname: string): Lang | undefined {
	const rest = pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
	const seg = rest.split('/').filter(Boolean);
	const candidate = seg[0] === 'embed' ? seg[1] : seg[0];
	return isLang(candidate) ? candidate : undefined;
}

export function registerServerStrategy() {
	defineCustomServerStrategy('custom-path', {
		getLocale: (request) => (request ? langFromPath(new URL(request.url).pathname) : undefined)
	});
}

export function registerClientStrategy() {
	defineCustomClientStrategy('custom-path', {
		getLocale: () => langFromPath(location.pathname),
		// The language changes by following a link to the other language's page.
		setLocale: () => {}
	});
}

//! The site's two languages and the URL scheme that carries them: every page
//! lives under `/az/…` or `/en/…` (embeds under `/embed/az/…`), so a link, a
//! bookmark and a prerendered file each name their language. Paraglide holds
//! the strings (messages/*.json); this module owns the paths.
import { base } from '$app/paths';

export const LANGS = ['az', 'en'] as const;
export type Lang = (typeof LANGS)[number];
/** The GraphQL `Lang` enum value for a site language. */
export type ApiLang = 'AZ' | 'EN';

export function isLang(value: unknown): value is Lang {
	return value === 'az' || value === 'en';
}

export function apiLang(lang: Lang): ApiLang {
	return lang === 'az' ? 'AZ' : 'EN';
}

export function otherLang(lang: Lang): Lang {
	return lang === 'az' ? 'en' : 'az';
}

/** `/az/centres/` for ('az', 'centres'); paths always end in `/` (trailingSlash 'always'). */
export function href(lang: Lang, path = ''): string {
	const clean = path.replace(/^\/+|\/+$/g, '');
	return `${base}/${lang}/${clean ? clean + '/' : ''}`;
}

/**
 * The same page in another language: swaps the language segment of `pathname`
 * (after the base path, and after `/embed/` for embeds) and keeps the query and hash.
 */
export function switchLang(pathname: string, to: Lang, search = '', hash = ''): string {
	let rest = pathname.startsWith(base) ? pathname.slice(base.length) : pathname;
	let prefix = '';
	if (rest.startsWith('/embed/')) {
		prefix = '/embed';
		rest = rest.slice('/embed'.length);
	}
	const m = /^\/(az|en)(\/.*)?$/.exec(rest);
	const tail = m ? (m[2] ?? '/') : '/';
	return `${base}${prefix}/${to}${tail}${search}${hash}`;
}

/** Picks `az` or `en` from a browser's preferred languages; Azerbaijani unless English comes first. */
export function preferredLang(languages: readonly string[]): Lang {
	for (const l of languages) {
		const code = l.toLowerCase().slice(0, 2);
		if (code === 'az') return 'az';
		if (code === 'en') return 'en';
	}
	return 'az';
}

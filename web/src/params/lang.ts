//! Route matcher for the language segment: only the site's locales are pages.
import type { ParamMatcher } from '@sveltejs/kit';
import { isLang } from '$lib/i18n';

export const match = ((param: string): param is 'az' | 'en' => isLang(param)) satisfies ParamMatcher;

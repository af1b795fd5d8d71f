//! The language of the page being shown, from its URL segment.
import { page } from '$app/state';
import { isLang, type Lang } from './i18n';

export function pageLang(): Lang {
	const l = page.params.lang;
	return isLang(l) ? l : 'az';
}

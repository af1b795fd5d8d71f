//! Numbers, percentages and dates as each language writes them. Written by hand
//! rather than with `Intl` because Chromium ships no Azerbaijani number or date
//! data (its `Intl` silently falls back to English patterns), so the output would
//! depend on the browser. Azerbaijani style, as the site's brief gives it: counts
//! grouped with a no-break space (`1 204`), decimals with a dot for thousands and
//! a comma for the fraction (`1.234,5`), dates as `21.11.2026`. English: `1,204`,
//! `1,234.5`, `21 Nov 2026`.
import type { Lang } from './i18n';

/** U+00A0: a count must never wrap between its digit groups. */
export const NBSP = '\u00a0';

function group(digits: string, sep: string): string {
	return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/**
 * Formats a number. Integers get the count style; otherwise `decimals` digits
 * (default: as many as needed, at most 1) after the decimal mark.
 */
export function formatNumber(value: number, lang: Lang, decimals?: number): string {
	if (!Number.isFinite(value)) throw new RangeError(`formatNumber: not a finite number: ${value}`);
	const places = decimals ?? (Number.isInteger(value) ? 0 : 1);
	const negative = value < 0;
	const fixed = Math.abs(value).toFixed(places);
	const [int, frac] = fixed.split('.');
	const zero = /^0+(\.0+)?$/.test(fixed);
	let out: string;
	if (lang === 'az') {
		out = frac === undefined ? group(int, NBSP) : `${group(int, '.')},${frac}`;
	} else {
		out = frac === undefined ? group(int, ',') : `${group(int, ',')}.${frac}`;
	}
	// −0 must not print a minus sign; U+2212 is the typographic minus.
	return negative && !zero ? `\u2212${out}` : out;
}

/** A percentage such as `87 %` / `87%`, with one decimal below 10 (`4,5 %`). */
export function formatPercent(value: number, lang: Lang): string {
	const decimals = Math.abs(value) < 10 && !Number.isInteger(value) ? 1 : 0;
	const n = formatNumber(decimals ? value : Math.round(value), lang, decimals);
	return lang === 'az' ? `${n}${NBSP}%` : `${n}%`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_AZ_LONG = [
	'yanvar', 'fevral', 'mart', 'aprel', 'may', 'iyun', 'iyul', 'avqust', 'sentyabr', 'oktyabr', 'noyabr', 'dekabr'
];
const MONTHS_EN_LONG = [
	'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'
];

/** Splits `2026-11-21` or an RFC 3339 date-time into its calendar parts (as written, no time-zone shift). */
export function parseDate(iso: string): { y: number; m: number; d: number } {
	const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
	if (!m) throw new RangeError(`parseDate: not an ISO date: ${iso}`);
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	if (mo < 1 || mo > 12 || d < 1 || d > 31) throw new RangeError(`parseDate: not a calendar date: ${iso}`);
	return { y, m: mo, d };
}

/** `21.11.2026` (az) or `21 Nov 2026` (en). */
export function formatDate(iso: string, lang: Lang): string {
	const { y, m, d } = parseDate(iso);
	if (lang === 'az') return `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`;
	return `${d} ${MONTHS_EN[m - 1]} ${y}`;
}

/** `noyabr 2026` / `November 2026`, for monthly periods. */
export function formatMonth(iso: string, lang: Lang): string {
	const { y, m } = parseDate(iso);
	return lang === 'az' ? `${MONTHS_AZ_LONG[m - 1]} ${y}` : `${MONTHS_EN_LONG[m - 1]} ${y}`;
}

/** A date range, collapsed when both ends are the same day; either end may be unknown. */
export function formatDateRange(start: string | null | undefined, end: string | null | undefined, lang: Lang): string {
	if (start && end) return start.slice(0, 10) === end.slice(0, 10) ? formatDate(start, lang) : `${formatDate(start, lang)} – ${formatDate(end, lang)}`;
	if (start) return formatDate(start, lang);
	if (end) return formatDate(end, lang);
	return '';
}

/**
 * An amount of money in whole units with its ISO 4217 currency code, as each
 * language writes it: `1 200 000 USD` (az: the code after the number) and
 * `USD 1,200,000` (en). Codes, not symbols: `$` does not say which dollar, and
 * a donor's report must not be read in the wrong currency. An amount without a
 * currency is shown as the bare number.
 */
export function formatMoney(amount: number, currency: string | null | undefined, lang: Lang): string {
	const n = formatNumber(Math.round(amount), lang);
	const code = (currency ?? '').trim().toUpperCase();
	if (!code) return n;
	return lang === 'az' ? `${n}${NBSP}${code}` : `${code}${NBSP}${n}`;
}

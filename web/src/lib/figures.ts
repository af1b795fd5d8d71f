//! How a published figure reads. The API marks every count with its
//! `protection`: EXACT (as recorded), PERTURBED (a sum of records each rounded
//! once to a multiple of its threshold, so that no small count can be worked out
//! by subtraction or by comparing tables) or WITHHELD. A perturbed figure reads
//! "≈ 40"; a withheld one reads "fewer than N" only when the API says so
//! (`withheldBelow`: the records it hides add up to fewer than N people), else
//! "withheld" (withheld as a complement, it may hide many); never 0 and never
//! blank. A missing one reads "not reported"; an illustrative one is marked.
//! The method page explains all of it (#suppression).
import { formatNumber, NBSP } from './format';
import type { Lang } from './i18n';

/** The API's `Sensitivity`; PUBLIC figures (staff, officials, centres) are published as recorded, never withheld. */
export type Sensitivity = 'PUBLIC' | 'ORDINARY' | 'SENSITIVE';

/** The API's `Protection`. */
export type Protection = 'EXACT' | 'PERTURBED' | 'WITHHELD';

export interface CountLike {
	value: number | null;
	suppressed: boolean;
	/** How the API protected it; absent for figures that are not counts of people (targets, tallies). */
	protection?: Protection | null;
	/** For a withheld count: it hides fewer than this many people; null when that bound is not known. */
	withheldBelow?: number | null;
	illustrative?: boolean;
}

const AZ_ABLATIVE_UNITS = ['', 'dən', 'dən', 'dən', 'dən', 'dən', 'dan', 'dən', 'dən', 'dan'];
const AZ_ABLATIVE_TENS = ['', 'dan', 'dən', 'dan', 'dan', 'dən', 'dan', 'dən', 'dən', 'dan'];

/**
 * The Azerbaijani ablative suffix after a numeral, by vowel harmony with the
 * numeral's last word: 5 (beş) → 5-dən, 10 (on) → 10-dan, 100 (yüz) → 100-dən.
 */
export function azAblative(n: number): string {
	const abs = Math.abs(Math.trunc(n));
	if (abs === 0) return 'dan'; // sıfır
	if (abs % 10 !== 0) return AZ_ABLATIVE_UNITS[abs % 10];
	if (abs % 100 !== 0) return AZ_ABLATIVE_TENS[(abs % 100) / 10];
	if (abs % 1_000_000 === 0) return 'dan'; // milyon
	return 'dən'; // yüz, min
}

/** "fewer than 10" / "10-dan az". */
export function fewerThan(n: number, lang: Lang): string {
	const num = formatNumber(n, lang);
	return lang === 'az' ? `${num}-${azAblative(n)} az` : `fewer than ${num}`;
}

/** Whether a figure is withheld (the API's flag and its protection agree; either is enough). */
export function isWithheld(count: CountLike): boolean {
	return count.suppressed || count.protection === 'WITHHELD';
}

/** Whether a published figure was rounded to protect small counts. */
export function isPerturbed(count: CountLike): boolean {
	return !isWithheld(count) && count.value != null && count.protection === 'PERTURBED';
}

/** "withheld" / "gizlədilib": a withheld figure with no bound on what it hides. */
export function withheldWord(lang: Lang): string {
	return lang === 'az' ? 'gizlədilib' : 'withheld';
}

/**
 * The text of a count: "fewer than N" when withheld with a bound, "withheld"
 * without one, "≈ 40" when perturbed, its number when exact, or "not reported".
 */
export function countText(count: CountLike, lang: Lang): string {
	if (isWithheld(count)) {
		const below = count.withheldBelow;
		return below != null && Number.isInteger(below) && below > 0 ? fewerThan(below, lang) : withheldWord(lang);
	}
	if (count.value == null) return lang === 'az' ? 'məlumat yoxdur' : 'not reported';
	const num = formatNumber(count.value, lang);
	return count.protection === 'PERTURBED' ? `≈${NBSP}${num}` : num;
}

/** Whether any of these figures is perturbed: a table of them then says its cells need not add up. */
export function anyPerturbed(counts: Iterable<CountLike>): boolean {
	for (const c of counts) if (isPerturbed(c)) return true;
	return false;
}

/**
 * Sums counts for a total: exact when every part is published exactly, perturbed
 * (≈) when any part is, and a lower bound (`complete: false`) when any is withheld.
 */
export function sumCounts(counts: CountLike[]): {
	value: number;
	suppressed: false;
	protection: Protection;
	complete: boolean;
	illustrative: boolean;
} {
	let value = 0;
	let complete = true;
	let illustrative = false;
	let perturbed = false;
	for (const c of counts) {
		if (isWithheld(c) || c.value == null) complete = false;
		else value += c.value;
		if (isPerturbed(c)) perturbed = true;
		if (c.illustrative) illustrative = true;
	}
	return { value, suppressed: false, protection: perturbed ? 'PERTURBED' : 'EXACT', complete, illustrative };
}

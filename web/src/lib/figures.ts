//! How a published figure reads. A withheld (suppressed) count reads "fewer than
//! N" with N the threshold of its sensitivity class, never 0 and never blank; a
//! missing one reads "not reported"; an illustrative one is marked. Figures the
//! API worked out from entered records are sums of records each rounded once to
//! a multiple of its threshold (`protection: PERTURBED`), so that no small count
//! can be worked out by subtraction or by comparing tables; the method page
//! explains it.
import config from 'virtual:site-config';
import { formatNumber } from './format';
import type { Lang } from './i18n';

/** The API's `Sensitivity`; PUBLIC figures (staff, officials, centres) are published as recorded, never withheld. */
export type Sensitivity = 'PUBLIC' | 'ORDINARY' | 'SENSITIVE';

export interface CountLike {
	value: number | null;
	suppressed: boolean;
	illustrative?: boolean;
}

/**
 * The threshold below which a count of this class is withheld. With the class
 * unknown (a figure that mixes programmes) the larger threshold is the true bound.
 */
export function thresholdFor(sensitivity: Sensitivity | null | undefined): number {
	if (sensitivity === 'ORDINARY') return config.suppress.ordinary;
	return config.suppress.sensitive;
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

/** The text of a count: its number, "fewer than N" when withheld, or "not reported". */
export function countText(count: CountLike, lang: Lang, sensitivity?: Sensitivity | null): string {
	if (count.suppressed) return fewerThan(thresholdFor(sensitivity), lang);
	if (count.value == null) return lang === 'az' ? 'məlumat yoxdur' : 'not reported';
	return formatNumber(count.value, lang);
}

/** Sums counts for a total: exact when every part is published, else a lower bound. */
export function sumCounts(counts: CountLike[]): { value: number; suppressed: false; complete: boolean; illustrative: boolean } {
	let value = 0;
	let complete = true;
	let illustrative = false;
	for (const c of counts) {
		if (c.suppressed || c.value == null) complete = false;
		else value += c.value;
		if (c.illustrative) illustrative = true;
	}
	return { value, suppressed: false, complete, illustrative };
}

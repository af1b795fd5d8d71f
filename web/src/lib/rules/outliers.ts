/**
 * Outliers over a unit's own history while a manager types (the server's
 * `api/src/rules/outliers.rs`, the same rule): the modified z-score
 * `M = 0.6745 (x − median) / MAD`; with MAD 0 the mean absolute deviation
 * stands in (`M = (x − median) / (1.253314 · MeanAD)`); when that is 0 too,
 * any other value is flagged. Flagged when `|M| > 3.5` with at least four
 * past values. Only on /manage screens, never on a public page.
 */

import { median, type Entry } from './evaluate';

/** Fewer past values than this: no score. */
export const MIN_HISTORY = 4;
/** Scores beyond this are flagged. */
export const THRESHOLD = 3.5;

/** The modified z-score of `x` against `history`; `null` with too little history. */
export function modifiedZ(history: readonly number[], x: number): number | null {
	if (history.length < MIN_HISTORY) return null;
	const med = median(history);
	if (med === null) return null;
	const dev = history.map((v) => Math.abs(v - med));
	const mad = median(dev) ?? 0;
	const diff = x - med;
	if (mad > 0) return (0.6745 * diff) / mad;
	const meanAd = dev.reduce((a, b) => a + b, 0) / dev.length;
	if (meanAd > 0) return diff / (1.253314 * meanAd);
	return diff === 0 ? 0 : diff > 0 ? Infinity : -Infinity;
}

/** Whether a score is flagged. */
export const flagged = (score: number) => Math.abs(score) > THRESHOLD;

/** A figure of an entry that stands out from its unit's history. */
export interface EntryOutlier {
	figure: string;
	value: number;
	median: number;
	score: number;
}

/** The figures of an entry that stand out from their own history. */
export function entryOutliers(entry: Entry): EntryOutlier[] {
	const out: EntryOutlier[] = [];
	for (const [figure, value] of Object.entries(entry.figures)) {
		const history = entry.history[figure] ?? [];
		const score = modifiedZ(history, value);
		if (score !== null && flagged(score)) out.push({ figure, value, median: median(history) ?? 0, score });
	}
	return out;
}

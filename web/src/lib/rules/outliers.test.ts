import { describe, expect, it } from 'vitest';
import { entryOutliers, flagged, modifiedZ } from './outliers';

// The same cases as the server's `rules::outliers` tests.
describe('modified z-score', () => {
	it('flags nine hundred where the median is forty, and not forty-five', () => {
		const history = [38, 41, 40, 44, 39, 42];
		expect(flagged(modifiedZ(history, 900) as number)).toBe(true);
		expect(flagged(modifiedZ(history, 45) as number)).toBe(false);
	});
	it('gives no score with too little history and flags any change to a flat one', () => {
		expect(modifiedZ([1, 2, 3], 100)).toBeNull();
		expect(flagged(modifiedZ([5, 5, 5, 5], 6) as number)).toBe(true);
		expect(modifiedZ([5, 5, 5, 5], 5)).toBe(0);
		expect(flagged(modifiedZ([5, 5, 5, 5, 9], 5) as number)).toBe(false);
	});
	it('lists the figures of an entry that stand out', () => {
		const out = entryOutliers({ figures: { RECEIVED_PERSONS: 900, SERVED_PERSONS: 40 }, breakdowns: {}, history: { RECEIVED_PERSONS: [38, 41, 40, 44], SERVED_PERSONS: [38, 41, 40, 44] } });
		expect(out.map((o) => [o.figure, o.value, o.median])).toEqual([['RECEIVED_PERSONS', 900, 40.5]]);
	});
});

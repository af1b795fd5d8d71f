import { describe, expect, it, vi } from 'vitest';

vi.mock('virtual:site-config', () => ({ default: { suppress: { ordinary: 5, sensitive: 10 } } }));
const { azAblative, countText, fewerThan, sumCounts, thresholdFor } = await import('./figures');

describe('withheld figures', () => {
	it('read "fewer than" the threshold of their class, never 0 or blank', () => {
		expect(countText({ value: null, suppressed: true }, 'en', 'ORDINARY')).toBe('fewer than 5');
		expect(countText({ value: null, suppressed: true }, 'en', 'SENSITIVE')).toBe('fewer than 10');
		expect(countText({ value: null, suppressed: true }, 'az', 'ORDINARY')).toBe('5-dən az');
		expect(countText({ value: null, suppressed: true }, 'az', 'SENSITIVE')).toBe('10-dan az');
	});
	it('use the larger threshold when the class is unknown', () => {
		expect(thresholdFor(undefined)).toBe(10);
		expect(countText({ value: null, suppressed: true }, 'en')).toBe('fewer than 10');
	});
	it('tell an unreported figure from a zero', () => {
		expect(countText({ value: null, suppressed: false }, 'en')).toBe('not reported');
		expect(countText({ value: 0, suppressed: false }, 'en')).toBe('0');
		expect(countText({ value: 1204, suppressed: false }, 'az')).toBe('1\u00a0204');
	});
});

describe('Azerbaijani ablative after numerals', () => {
	it('follows the vowel of the last word of the numeral', () => {
		expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(azAblative)).toEqual(['dən', 'dən', 'dən', 'dən', 'dən', 'dan', 'dən', 'dən', 'dan']);
		expect([10, 20, 30, 40, 50, 60, 70, 80, 90].map(azAblative)).toEqual(['dan', 'dən', 'dan', 'dan', 'dən', 'dan', 'dən', 'dən', 'dan']);
		expect(azAblative(15)).toBe('dən');
		expect(azAblative(100)).toBe('dən');
		expect(azAblative(1000)).toBe('dən');
		expect(fewerThan(20, 'az')).toBe('20-dən az');
	});
});

describe('sums of published figures', () => {
	it('are exact only when no part is withheld', () => {
		expect(sumCounts([{ value: 3, suppressed: false }, { value: 4, suppressed: false }])).toEqual({ value: 7, suppressed: false, complete: true, illustrative: false });
		expect(sumCounts([{ value: 3, suppressed: false }, { value: null, suppressed: true, illustrative: true }])).toEqual({ value: 3, suppressed: false, complete: false, illustrative: true });
	});
});

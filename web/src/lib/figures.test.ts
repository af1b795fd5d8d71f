import { describe, expect, it } from 'vitest';
import { anyPerturbed, azAblative, countText, fewerThan, isPerturbed, isWithheld, sumCounts } from './figures';

const NB = '\u00a0';

describe('withheld figures', () => {
	it('read "fewer than N" with N the bound the API gives, never 0 or blank', () => {
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 5 }, 'en')).toBe('fewer than 5');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 10 }, 'en')).toBe('fewer than 10');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 5 }, 'az')).toBe('5-dən az');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 10 }, 'az')).toBe('10-dan az');
	});
	it('a withheld sum of several records reads the summed bound, not a class threshold', () => {
		// three ordinary records (each at most 4) and one sensitive (at most 9): 4+4+4+9+1
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 22 }, 'en')).toBe('fewer than 22');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 22 }, 'az')).toBe('22-dən az');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 1204 }, 'en')).toBe('fewer than 1,204');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: 1204 }, 'az')).toBe(`1${NB}204-dən az`);
	});
	it('read "withheld" when the API gives no bound (a complement, which may be large)', () => {
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: null }, 'en')).toBe('withheld');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD', withheldBelow: null }, 'az')).toBe('gizlədilib');
		// an older document that does not ask for the bound
		expect(countText({ value: null, suppressed: true }, 'en')).toBe('withheld');
		expect(countText({ value: null, suppressed: true, protection: 'WITHHELD' }, 'az')).toBe('gizlədilib');
	});
	it('a nonsense bound is not printed', () => {
		expect(countText({ value: null, suppressed: true, withheldBelow: 0 }, 'en')).toBe('withheld');
		expect(countText({ value: null, suppressed: true, withheldBelow: 2.5 }, 'en')).toBe('withheld');
	});
	it('are withheld by either flag', () => {
		expect(isWithheld({ value: null, suppressed: true })).toBe(true);
		expect(isWithheld({ value: null, suppressed: false, protection: 'WITHHELD' })).toBe(true);
		expect(isWithheld({ value: 3, suppressed: false, protection: 'EXACT' })).toBe(false);
	});
});

describe('perturbed figures', () => {
	it('read "≈ N" in the page language', () => {
		expect(countText({ value: 40, suppressed: false, protection: 'PERTURBED' }, 'en')).toBe(`≈${NB}40`);
		expect(countText({ value: 1400, suppressed: false, protection: 'PERTURBED' }, 'en')).toBe(`≈${NB}1,400`);
		expect(countText({ value: 1400, suppressed: false, protection: 'PERTURBED' }, 'az')).toBe(`≈${NB}1${NB}400`);
		expect(isPerturbed({ value: 40, suppressed: false, protection: 'PERTURBED' })).toBe(true);
	});
	it('exact figures carry no mark', () => {
		expect(countText({ value: 40, suppressed: false, protection: 'EXACT' }, 'en')).toBe('40');
		expect(isPerturbed({ value: 40, suppressed: false, protection: 'EXACT' })).toBe(false);
		expect(isPerturbed({ value: 40, suppressed: false })).toBe(false);
	});
	it('a table says cells need not add up only when one is perturbed', () => {
		expect(anyPerturbed([{ value: 4, suppressed: false, protection: 'EXACT' }, { value: null, suppressed: true, protection: 'WITHHELD' }])).toBe(false);
		expect(anyPerturbed([{ value: 4, suppressed: false, protection: 'EXACT' }, { value: 10, suppressed: false, protection: 'PERTURBED' }])).toBe(true);
		expect(anyPerturbed([])).toBe(false);
	});
});

describe('unknown and exact figures', () => {
	it('tell an unreported figure from a zero', () => {
		expect(countText({ value: null, suppressed: false }, 'en')).toBe('not reported');
		expect(countText({ value: null, suppressed: false }, 'az')).toBe('məlumat yoxdur');
		expect(countText({ value: 0, suppressed: false }, 'en')).toBe('0');
		expect(countText({ value: 1204, suppressed: false }, 'az')).toBe(`1${NB}204`);
		expect(countText({ value: 1204, suppressed: false, protection: 'EXACT' }, 'en')).toBe('1,204');
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
	it('are exact only when no part is withheld or perturbed', () => {
		expect(sumCounts([{ value: 3, suppressed: false }, { value: 4, suppressed: false, protection: 'EXACT' }])).toEqual({
			value: 7,
			suppressed: false,
			protection: 'EXACT',
			complete: true,
			illustrative: false
		});
		expect(sumCounts([{ value: 3, suppressed: false }, { value: null, suppressed: true, illustrative: true }])).toEqual({
			value: 3,
			suppressed: false,
			protection: 'EXACT',
			complete: false,
			illustrative: true
		});
	});
	it('are perturbed when any part is', () => {
		const s = sumCounts([{ value: 10, suppressed: false, protection: 'PERTURBED' }, { value: 4, suppressed: false, protection: 'EXACT' }]);
		expect(s.protection).toBe('PERTURBED');
		expect(s.value).toBe(14);
		expect(countText(s, 'en')).toBe(`≈${NB}14`);
	});
});

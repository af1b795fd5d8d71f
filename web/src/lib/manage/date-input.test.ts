import { describe, expect, it } from 'vitest';
import { isIsoDate, parseTypedDate, parseTypedMonth, typedFromIso, typedFromIsoMonth } from './date-input';

describe('dates typed as dd.mm.yyyy', () => {
	it('reads the ways people write a date', () => {
		expect(parseTypedDate('15.09.2021')).toBe('2021-09-15');
		expect(parseTypedDate(' 5.9.2021 ')).toBe('2021-09-05');
		expect(parseTypedDate('15/09/2021')).toBe('2021-09-15');
		expect(parseTypedDate('15-09-2021')).toBe('2021-09-15');
		expect(parseTypedDate('2021-09-15')).toBe('2021-09-15');
		expect(parseTypedDate('')).toBe('');
	});
	it('refuses what is not a calendar date (never mm.dd)', () => {
		for (const bad of ['31.02.2021', '29.02.2023', '09.15.2021', '15.09.21', 'abc', '0.1.2021', '15.09.20210', '1.1.1066']) expect(parseTypedDate(bad), bad).toBeNull();
		expect(parseTypedDate('29.02.2024')).toBe('2024-02-29');
		expect(isIsoDate('2021-04-31')).toBe(false);
	});
	it('shows an ISO date back as dd.mm.yyyy and leaves other text alone', () => {
		expect(typedFromIso('2021-09-05')).toBe('05.09.2021');
		expect(typedFromIso('31.02.2021')).toBe('31.02.2021');
		expect(typedFromIso('')).toBe('');
	});
	it('months as mm.yyyy', () => {
		expect(parseTypedMonth('09.2021')).toBe('2021-09');
		expect(parseTypedMonth('9/2021')).toBe('2021-09');
		expect(parseTypedMonth('2021-11')).toBe('2021-11');
		expect(parseTypedMonth('13.2021')).toBeNull();
		expect(typedFromIsoMonth('2021-09')).toBe('09.2021');
	});
});

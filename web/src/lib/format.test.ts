import { describe, expect, it } from 'vitest';
import { formatDate, formatDateRange, formatMonth, formatNumber, formatPercent, NBSP } from './format';

describe('Azerbaijani numbers', () => {
	it('groups counts with a no-break space', () => {
		expect(formatNumber(1204, 'az')).toBe(`1${NBSP}204`);
		expect(formatNumber(1461, 'az')).toBe(`1${NBSP}461`);
		expect(formatNumber(1234567, 'az')).toBe(`1${NBSP}234${NBSP}567`);
		expect(formatNumber(999, 'az')).toBe('999');
		expect(formatNumber(0, 'az')).toBe('0');
	});
	it('writes decimals with a dot for thousands and a comma for the fraction', () => {
		expect(formatNumber(1234.5, 'az')).toBe('1.234,5');
		expect(formatNumber(0.25, 'az', 2)).toBe('0,25');
		expect(formatNumber(1234567.891, 'az', 2)).toBe('1.234.567,89');
	});
	it('uses a real minus and never prints minus zero', () => {
		expect(formatNumber(-1204, 'az')).toBe(`\u22121${NBSP}204`);
		expect(formatNumber(-0.01, 'az', 1)).toBe('0,0');
	});
	it('refuses what is not a number', () => {
		expect(() => formatNumber(Number.NaN, 'az')).toThrow(RangeError);
		expect(() => formatNumber(Infinity, 'en')).toThrow(RangeError);
	});
});

describe('English numbers', () => {
	it('groups with commas and uses a decimal point', () => {
		expect(formatNumber(1204, 'en')).toBe('1,204');
		expect(formatNumber(1234.5, 'en')).toBe('1,234.5');
		expect(formatNumber(12, 'en')).toBe('12');
	});
});

describe('percentages', () => {
	it('rounds above ten and keeps one decimal below', () => {
		expect(formatPercent(86.96, 'az')).toBe(`87${NBSP}%`);
		expect(formatPercent(86.96, 'en')).toBe('87%');
		expect(formatPercent(4.5, 'az')).toBe(`4,5${NBSP}%`);
		expect(formatPercent(100, 'en')).toBe('100%');
		expect(formatPercent(1250, 'az')).toBe(`1${NBSP}250${NBSP}%`);
	});
});

describe('dates', () => {
	it('writes day.month.year in Azerbaijani', () => {
		expect(formatDate('2026-11-21', 'az')).toBe('21.11.2026');
		expect(formatDate('2021-08-03', 'az')).toBe('03.08.2021');
	});
	it('takes the calendar date of a date-time as written, without a time-zone shift', () => {
		expect(formatDate('2021-06-25T23:30:00Z', 'az')).toBe('25.06.2021');
		expect(formatDate('2021-06-25T23:30:00Z', 'en')).toBe('25 Jun 2021');
	});
	it('writes English dates with a short month name', () => {
		expect(formatDate('2026-11-21', 'en')).toBe('21 Nov 2026');
	});
	it('names months', () => {
		expect(formatMonth('2021-09-01', 'az')).toBe('sentyabr 2021');
		expect(formatMonth('2021-09-01', 'en')).toBe('September 2021');
	});
	it('collapses ranges and tolerates unknown ends', () => {
		expect(formatDateRange('2016-06-27', '2016-06-28', 'az')).toBe('27.06.2016 – 28.06.2016');
		expect(formatDateRange('2016-06-27', '2016-06-27', 'en')).toBe('27 Jun 2016');
		expect(formatDateRange(null, '2018-12-31', 'en')).toBe('31 Dec 2018');
		expect(formatDateRange(null, null, 'az')).toBe('');
	});
	it('refuses what is not a date', () => {
		expect(() => formatDate('21.11.2026', 'az')).toThrow(RangeError);
		expect(() => formatDate('2026-13-01', 'az')).toThrow(RangeError);
	});
});

describe('formatMoney', () => {
	it('writes the currency code where each language puts it, never a bare symbol', async () => {
		const { formatMoney } = await import('./format');
		expect(formatMoney(1200000, 'usd', 'en')).toBe('USD\u00a01,200,000');
		expect(formatMoney(1200000, 'USD', 'az')).toBe('1\u00a0200\u00a0000\u00a0USD');
		expect(formatMoney(2500.6, 'AZN', 'az')).toBe('2\u00a0501\u00a0AZN');
		expect(formatMoney(900, null, 'en')).toBe('900');
	});
});

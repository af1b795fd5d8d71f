import { describe, expect, it } from 'vitest';
import { countTicks, specCsv, specKey, type ChartSpec } from './spec';

const spec: ChartSpec = {
	id: 'c',
	title: 'People trained',
	unitLabel: 'people',
	points: [
		{ label: '2021', value: 23, suppressed: false, text: '23' },
		{ label: '2022', value: 40, suppressed: false, text: '≈ 40', perturbed: true },
		{ label: '=cmd', value: null, suppressed: true, text: 'fewer than 10' }
	],
	target: 30,
	targetLabel: 'target 30',
	withheldLabel: 'withheld',
	lang: 'en'
};

describe('chart data', () => {
	it('writes the same points as CSV, with withheld cells empty and formulas neutralised', () => {
		expect(specCsv(spec, 'Period').split('\r\n')).toEqual([
			'Period,people,suppressed,illustrative,perturbed',
			'2021,23,false,false,false',
			'2022,40,false,false,true',
			"'=cmd,,true,false,false",
			'target,30,false,false,false',
			''
		]);
	});
	it('keys a spec by its content', () => {
		expect(specKey(spec)).toBe(specKey(structuredClone(spec)));
		expect(specKey(spec)).toMatch(/^[0-9a-z]+$/);
		expect(specKey(spec)).not.toBe(specKey({ ...spec, target: 31 }));
	});
});

describe('count axes', () => {
	it('tick whole numbers only, even for small counts', () => {
		expect(countTicks(1.15)).toEqual([0, 1, 2]);
		expect(countTicks(3)).toEqual([0, 1, 2, 3]);
		expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
		for (const max of [0, 0.4, 1, 2.3, 4.6, 9, 13, 57.5, 130, 1610, 98765]) {
			const t = countTicks(max);
			expect(t.every(Number.isInteger), `${max}: ${t}`).toBe(true);
			expect(t[0]).toBe(0);
			expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
			expect(t.length).toBeLessThanOrEqual(12);
		}
	});
	it('reach past the largest value by at most one step', () => {
		expect(countTicks(1610)).toEqual([0, 500, 1000, 1500, 2000]);
		expect(countTicks(130)).toEqual([0, 50, 100, 150]);
	});
});

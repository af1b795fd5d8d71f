import { describe, expect, it } from 'vitest';
import { specCsv, specKey, type ChartSpec } from './spec';

const spec: ChartSpec = {
	id: 'c',
	title: 'People trained',
	unitLabel: 'people',
	points: [
		{ label: '2021', value: 23, suppressed: false, text: '23' },
		{ label: '=cmd', value: null, suppressed: true, text: 'fewer than 10' }
	],
	target: 30,
	targetLabel: 'target 30',
	withheldLabel: 'withheld'
};

describe('chart data', () => {
	it('writes the same points as CSV, with withheld cells empty and formulas neutralised', () => {
		expect(specCsv(spec, 'Period').split('\r\n')).toEqual([
			'Period,people,suppressed,illustrative',
			'2021,23,false,false',
			"'=cmd,,true,false",
			'target,30,false,false',
			''
		]);
	});
	it('keys a spec by its content', () => {
		expect(specKey(spec)).toBe(specKey(structuredClone(spec)));
		expect(specKey(spec)).toMatch(/^[0-9a-z]+$/);
		expect(specKey(spec)).not.toBe(specKey({ ...spec, target: 31 }));
	});
});

import { describe, expect, it } from 'vitest';
import { renderChartsToSvg } from './ssr';
import type { ChartSpec } from './spec';

const spec = (lang: 'az' | 'en'): ChartSpec => ({
	id: 'c',
	title: 'People reached',
	unitLabel: 'people',
	points: [{ label: '2021', value: 1400, suppressed: false, text: '1400' }],
	target: null,
	targetLabel: '',
	withheldLabel: 'withheld',
	lang
});

const tickTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('chart axes', () => {
	it('write numbers as the page does: 1 400 on az pages, 1,400 on en pages', () => {
		const az = tickTexts(renderChartsToSvg([spec('az')]).c);
		expect(az).toContain('1&#160;500');
		expect(az.some((t) => /\d,\d{3}/.test(t))).toBe(false);
		const en = tickTexts(renderChartsToSvg([spec('en')]).c);
		expect(en).toContain('1,500');
	});
	it('tick whole numbers for small counts', () => {
		const svg = renderChartsToSvg([{ ...spec('az'), points: [{ label: 'x', value: 2, suppressed: false, text: '2' }] }]).c;
		const nums = tickTexts(svg).filter((t) => /^[\d\s.,\u00a0]+$/.test(t));
		expect(nums.length).toBeGreaterThan(1);
		expect(nums.every((t) => /^\d+$/.test(t)), nums.join('|')).toBe(true);
	});
});

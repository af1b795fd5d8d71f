import { describe, expect, it } from 'vitest';
import { metaDescription } from './meta';

describe('meta descriptions', () => {
	it('keep a short text as one line', () => {
		expect(metaDescription('  A programme\n for   children. ', 'x')).toBe('A programme for children.');
	});
	it('fall back when there is no text', () => {
		expect(metaDescription(null, 'Programme progress')).toBe('Programme progress');
		expect(metaDescription('   ', 'Programme progress')).toBe('Programme progress');
	});
	it('cut a long text at a word, with an ellipsis, within the limit', () => {
		const long = 'Yardım mərkəzi insan alverinin qurbanlarına maddi, tibbi, hüquqi və psixoloji yardım göstərir, '.repeat(4);
		const d = metaDescription(long, 'x');
		expect(d.length).toBeLessThanOrEqual(160);
		expect(d.endsWith('…')).toBe(true);
		expect(long.startsWith(d.slice(0, -1))).toBe(true);
		expect(d).not.toMatch(/[ ,]…$/);
	});
});

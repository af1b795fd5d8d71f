import { describe, expect, it } from 'vitest';
import { sameData } from './page-data';

describe('a refresh with the same figures', () => {
	it('is recognised (charts left out: only the build draws them), and any change in a figure is not', () => {
		const built = { project: { id: 'P', events: [{ id: 'E', total: 40 }] }, charts: { c1: '<svg/>' } };
		const live = { project: { id: 'P', events: [{ id: 'E', total: 40 }] }, charts: {} };
		expect(sameData(built, live)).toBe(true);
		expect(sameData(built, { ...live, project: { id: 'P', events: [{ id: 'E', total: 45 }] } })).toBe(false);
		expect(sameData({ a: 1 }, { a: 1 })).toBe(true);
		expect(sameData(null, { a: 1 })).toBe(false);
	});
});

import { describe, expect, it } from 'vitest';
import { flat, totalOf } from './flat';

describe('flat', () => {
	it('swaps nested connections for their rows and leaves other fields alone', () => {
		const p = { id: 'p1', events: { totalCount: 240, nodes: [{ id: 'e1' }, { id: 'e2' }] }, areas: [{ id: 'a1' }], parent: null };
		const f = flat(p);
		expect(f.events).toEqual([{ id: 'e1' }, { id: 'e2' }]);
		expect(f.areas).toEqual([{ id: 'a1' }]);
		expect(f.parent).toBeNull();
		expect(f.id).toBe('p1');
		expect(totalOf(p, 'events')).toBe(240);
		expect(totalOf(p, 'areas')).toBeNull();
	});
	it('does not change its argument', () => {
		const p = { events: { totalCount: 1, nodes: [{ id: 'e1' }] } };
		flat(p).events.push({ id: 'e2' });
		expect(p.events.nodes).toHaveLength(1);
	});
});

import { describe, expect, it, vi } from 'vitest';

vi.mock('virtual:map-outline', async () => {
	const { buildOutline } = await import('../../../scripts/map-outline.mjs');
	return { default: buildOutline() };
});
const { PlaceIndex, districtOf, project, radius } = await import('./places');

const az = { id: 'az', code: 'AZ', name: 'Azərbaycan', kind: 'COUNTRY', lat: 40.4, lon: 47.6, parent: null };
const fuzuli = { id: 'fuz', code: 'AZ-FUZ', name: 'Füzuli', kind: 'DISTRICT', lat: 39.6, lon: 47.14, parent: az };
const village = { id: 'qaz', name: 'Qazaxlılar', kind: 'VILLAGE', parent: fuzuli };

describe('places on the map', () => {
	it('counts a village towards its district', () => {
		expect(districtOf(village)?.id).toBe('fuz');
		const idx = new PlaceIndex();
		idx.addWork(village, 'p1');
		idx.addCentre(fuzuli, 'p1');
		idx.addProgramme(fuzuli, 'p2');
		const [p] = idx.sorted('az');
		expect([p.name, p.works, p.centres, [...p.programmes].sort()]).toEqual(['Füzuli', 1, 1, ['p1', 'p2']]);
	});
	it('ignores areas above the district level (the whole country)', () => {
		const idx = new PlaceIndex();
		idx.addProgramme(az, 'p1');
		expect(idx.places.size).toBe(0);
	});
	it('places Baku east of Ganja and both inside the frame, and Paris outside it', () => {
		const baku = project(49.87, 40.41);
		const ganja = project(46.36, 40.68);
		expect(baku && ganja && baku[0] > ganja[0]).toBe(true);
		expect(project(2.35, 48.86)).toBeNull();
	});
	it('scales circle areas, not radii, with the value', () => {
		expect(radius(4, 16, 20)).toBeCloseTo(10);
		expect(radius(0, 16)).toBe(0);
	});
});

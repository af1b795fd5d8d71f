import { describe, expect, it, vi } from 'vitest';

vi.mock('virtual:map-outline', async () => {
	const { buildOutline } = await import('../../../scripts/map-outline.mjs');
	return { default: buildOutline() };
});
const { PlaceIndex, districtOf, legendValues, placeLabels, project, radius } = await import('./places');
const { shapesOf } = await import('./boundaries');

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
	it('sorts names in Azerbaijani alphabetical order on /az/ and without accents on /en/', () => {
		const idx = new PlaceIndex();
		const names = ['Tərtər', 'Şəki', 'İmişli', 'Horadiz', 'Gəncə', 'Füzuli', 'Bərdə', 'Bakı', 'Ağdam', 'Ağcabədi', 'Ismayıllı'];
		names.forEach((name, i) => idx.addProgramme({ id: `a${i}`, name, kind: 'DISTRICT' }, 'p'));
		expect(idx.sorted('az').map((p) => p.name)).toEqual(['Ağcabədi', 'Ağdam', 'Bakı', 'Bərdə', 'Füzuli', 'Gəncə', 'Horadiz', 'Ismayıllı', 'İmişli', 'Şəki', 'Tərtər']);
		expect(idx.sorted('en').map((p) => p.name).slice(0, 4)).toEqual(['Ağcabədi', 'Ağdam', 'Bakı', 'Bərdə']);
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
		// No floor: one centre and three read as different sizes (areas 1 : 3).
		expect((radius(3, 3) / radius(1, 3)) ** 2).toBeCloseTo(3);
	});
	it('gives a legend of distinct whole values whose labels do not touch', () => {
		expect(legendValues(0)).toEqual([]);
		expect(legendValues(1)).toEqual([1]);
		for (const max of [2, 3, 5, 12, 40]) {
			const v = legendValues(max);
			expect(v[0]).toBe(max);
			expect(v.every(Number.isInteger)).toBe(true);
			for (let i = 1; i < v.length; i++) expect(2 * (radius(v[i - 1], max) - radius(v[i], max))).toBeGreaterThanOrEqual(13);
		}
	});
	it('keeps the labels of Füzuli and Horadiz, a few kilometres apart, from overlapping', () => {
		const fz = project(47.14, 39.6)!;
		const hz = project(47.34, 39.45)!;
		const items = [
			{ key: 'fuz', x: fz[0], y: fz[1], r: 12, text: 'Füzuli' },
			{ key: 'hor', x: hz[0], y: hz[1], r: 16, text: 'Horadiz' },
			{ key: 'agc', x: project(47.46, 40.05)![0], y: project(47.46, 40.05)![1], r: 10, text: 'Ağcabədi' }
		];
		const out = placeLabels(items, 640, 420);
		const box = (l: (typeof out)[number], text: string) => {
			const w = text.length * 13 * 0.58;
			const x0 = l.anchor === 'middle' ? l.x - w / 2 : l.anchor === 'start' ? l.x : l.x - w;
			return { x0, x1: x0 + w, y0: l.y - 10.4, y1: l.y + 2.6 };
		};
		expect(out.every((l) => l.anchor !== null)).toBe(true);
		const boxes = out.map((l, i) => box(l, items[i].text));
		for (let i = 0; i < boxes.length; i++)
			for (let j = 0; j < boxes.length; j++) {
				const [a, b] = [boxes[i], boxes[j]];
				if (i !== j) expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1, `${items[i].text} / ${items[j].text}`).toBe(false);
				// …nor another place's circle
				const c = items[j];
				if (i !== j) expect(a.x0 < c.x + c.r && c.x - c.r < a.x1 && a.y0 < c.y + c.r && c.y - c.r < a.y1, `${items[i].text} over ${c.text}`).toBe(false);
			}
	});
	it('leaves a label off when there is no free spot rather than overlap', () => {
		const items = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, x: 100, y: 100, r: 0, text: 'Somewhere' }));
		const out = placeLabels(items, 640, 420);
		expect(out.filter((l) => l.anchor !== null).length).toBeLessThan(12);
		expect(out.filter((l) => l.anchor !== null).length).toBeGreaterThan(0);
	});
	it('projects an uploaded boundary onto the map, thinned to what the map can show', () => {
		// A square around Füzuli with 4,000 points per side: far more than 640 units show.
		const ring: [number, number][] = [];
		const [w, s, e, n] = [47.0, 39.5, 47.3, 39.7];
		const N = 4000;
		for (let i = 0; i < N; i++) ring.push([w + ((e - w) * i) / N, s]);
		for (let i = 0; i < N; i++) ring.push([e, s + ((n - s) * i) / N]);
		for (let i = 0; i < N; i++) ring.push([e - ((e - w) * i) / N, n]);
		for (let i = 0; i < N; i++) ring.push([w, n - ((n - s) * i) / N]);
		ring.push(ring[0]);
		const [shape] = shapesOf([
			{ areaId: 'fuz', geometry: { type: 'Polygon', coordinates: [ring] } },
			{ areaId: 'paris', geometry: { type: 'Polygon', coordinates: [[[2, 48], [3, 48], [3, 49], [2, 48]]] } },
			{ areaId: 'bad', geometry: { type: 'Point', coordinates: [47, 40] } }
		]);
		expect(shape.areaId).toBe('fuz');
		expect(shape.d.length).toBeLessThan(2000);
		const c = project(47.15, 39.6)!;
		expect(Math.abs(shape.label[0] - c[0])).toBeLessThan(3);
		expect(Math.abs(shape.label[1] - c[1])).toBeLessThan(3);
	});
});

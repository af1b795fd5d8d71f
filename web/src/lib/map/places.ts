//! Where things are, for the map: the district-level place (a district or a city)
//! of an area, and points summed per place. Villages and settlements count towards
//! their district; an area the API gives no coordinates for is listed, not drawn.
import { geoMercator } from 'd3-geo';
import outline from 'virtual:map-outline';

export interface AreaLike {
	id: string;
	code?: string | null;
	name: string;
	kind: string;
	lat?: number | null;
	lon?: number | null;
	parent?: AreaLike | null;
}

export interface Place {
	id: string;
	code: string | null;
	name: string;
	kind: string;
	lat: number | null;
	lon: number | null;
	programmes: Set<string>;
	centres: number;
	works: number;
}

const DISTRICT_LEVEL = new Set(['DISTRICT', 'CITY']);

/**
 * The district or city an area belongs to: itself when it is one, else the
 * nearest such ancestor the query fetched (a city inside a district, e.g.
 * Horadiz in Füzuli, stays a place of its own).
 */
export function districtOf(area: AreaLike | null | undefined): AreaLike | null {
	let a: AreaLike | null | undefined = area;
	while (a) {
		if (DISTRICT_LEVEL.has(a.kind)) return a;
		a = a.parent;
	}
	return null;
}

/** Collects places keyed by area id. */
export class PlaceIndex {
	readonly places = new Map<string, Place>();

	private get(area: AreaLike): Place {
		let p = this.places.get(area.id);
		if (!p) {
			p = { id: area.id, code: area.code ?? null, name: area.name, kind: area.kind, lat: area.lat ?? null, lon: area.lon ?? null, programmes: new Set(), centres: 0, works: 0 };
			this.places.set(area.id, p);
		}
		return p;
	}

	addProgramme(area: AreaLike | null | undefined, programmeId: string) {
		const d = districtOf(area);
		if (d) this.get(d).programmes.add(programmeId);
	}
	addCentre(area: AreaLike | null | undefined, programmeId?: string | null) {
		const d = districtOf(area);
		if (!d) return;
		const p = this.get(d);
		p.centres += 1;
		if (programmeId) p.programmes.add(programmeId);
	}
	addWork(area: AreaLike | null | undefined, programmeId?: string | null) {
		const d = districtOf(area);
		if (!d) return;
		const p = this.get(d);
		p.works += 1;
		if (programmeId) p.programmes.add(programmeId);
	}
	/** Places sorted by name in the page's language (Azerbaijani collation where the browser has it). */
	sorted(lang: 'az' | 'en'): Place[] {
		const collator = new Intl.Collator(lang === 'az' ? 'az' : 'en');
		return [...this.places.values()].sort((a, b) => collator.compare(a.name, b.name));
	}
}

const projection = geoMercator().scale(outline.scale).translate(outline.translate);

/** SVG coordinates of a point on the site's map, or null outside its frame. */
export function project(lon: number, lat: number): [number, number] | null {
	const p = projection([lon, lat]);
	if (!p) return null;
	const [x, y] = p;
	if (x < 0 || y < 0 || x > outline.width || y > outline.height) return null;
	return [x, y];
}

/** Circle radius for a value: area proportional to the value (proportional symbols). */
export function radius(value: number, max: number, maxRadius = 22, minRadius = 4): number {
	if (value <= 0 || max <= 0) return 0;
	return Math.max(minRadius, maxRadius * Math.sqrt(value / max));
}

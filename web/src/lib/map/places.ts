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

// Names sorted without Intl.Collator: creating one cost ~30 ms of a phone's
// main thread during the page's hydration, and Chromium has no Azerbaijani
// collation data anyway. Azerbaijani order: a b c ç d e ə f g ğ h x ı i j k q
// l m n o ö p r s ş t u ü v y z; English: letters with their accents removed.
const AZ_ORDER = 'abcçdeəfgğhxıijkqlmnoöprsştuüvyz';
const azRank = new Map([...AZ_ORDER].map((ch, i) => [ch, i]));
function sortKey(name: string, lang: 'az' | 'en'): string {
	if (lang === 'az') {
		let out = '';
		for (const ch of name.replace(/I/g, 'ı').replace(/İ/g, 'i').toLowerCase()) {
			const r = azRank.get(ch);
			out += r === undefined ? ch : String.fromCharCode(0x100 + r);
		}
		return out;
	}
	return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
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
	/** Places sorted by name in the page's language (Azerbaijani alphabetical order on /az/). */
	sorted(lang: 'az' | 'en'): Place[] {
		const keyed = [...this.places.values()].map((p) => ({ p, k: sortKey(p.name, lang) }));
		return keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0)).map((x) => x.p);
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

/** What a map's circles measure (the caption names it, the legend scales it). */
export type Measure = 'programmes' | 'centres' | 'sites';

/** A place's value for a measure: programmes working there, centres, or centres and works. */
export function measureOf(p: Place, measure: Measure): number {
	if (measure === 'programmes') return p.programmes.size;
	if (measure === 'centres') return p.centres;
	return p.centres + p.works;
}

/** Largest circle radius, in map units (the map is 640 wide). */
export const MAX_RADIUS = 22;

/**
 * Circle radius for a value: the circle's area is proportional to the value
 * (radius ∝ √value, with no floor that would make 1 and 3 look alike), so the
 * legend's circles read off any symbol.
 */
export function radius(value: number, max: number, maxRadius = MAX_RADIUS): number {
	if (!(value > 0) || !(max > 0)) return 0;
	return maxRadius * Math.sqrt(Math.min(value, max) / max);
}

/**
 * The values the legend shows: the largest, and one or two smaller round
 * values (whole numbers: the measures are counts), each distinct, with their
 * circles' tops far enough apart for a label each.
 */
export function legendValues(max: number, maxRadius = MAX_RADIUS, labelGap = 13): number[] {
	if (!(max >= 1)) return [];
	const top = Math.round(max);
	const out = [top];
	for (const v of [Math.round(top / 2), Math.round(top / 7), 1]) {
		const last = out[out.length - 1];
		if (v < 1 || v >= last) continue;
		if (2 * (radius(last, top, maxRadius) - radius(v, top, maxRadius)) < labelGap) continue;
		out.push(v);
		if (out.length === 3) break;
	}
	return out;
}

/** A label to place beside a symbol. */
export interface LabelIn {
	key: string;
	x: number;
	y: number;
	/** The symbol's radius (0: a point). */
	r: number;
	text: string;
}

/** Where a label went; `null` anchor when no free spot was found (the table lists the place). */
export interface LabelOut {
	key: string;
	x: number;
	y: number;
	anchor: 'start' | 'middle' | 'end' | null;
}

interface Box {
	x0: number;
	y0: number;
	x1: number;
	y1: number;
}
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Places labels so that none overlaps another label or another place's
 * symbol (e.g. Füzuli and Horadiz, a few kilometres apart): each label, the
 * largest symbols first, takes the first free spot of above, below, right,
 * left and the four diagonals; one with no free spot is left off the map
 * (its place stays in the table beside it). Text width is estimated from the
 * character count at the map's 13 px font.
 */
export function placeLabels(items: LabelIn[], width: number, height: number, fontSize = 13): LabelOut[] {
	const charW = fontSize * 0.58;
	const h = fontSize;
	const gap = 3;
	const circles: (Box & { key: string })[] = items.map((i) => ({ key: i.key, x0: i.x - i.r, y0: i.y - i.r, x1: i.x + i.r, y1: i.y + i.r }));
	const taken: Box[] = [];
	const order = [...items].sort((a, b) => b.r - a.r || a.key.localeCompare(b.key));
	const out = new Map<string, LabelOut>();
	for (const it of order) {
		const w = it.text.length * charW;
		const r = it.r;
		// [x, y (baseline), anchor] candidates.
		const d = r + gap;
		const diag = r * Math.SQRT1_2 + gap;
		const cands: [number, number, 'start' | 'middle' | 'end'][] = [
			[it.x, it.y - d, 'middle'],
			[it.x, it.y + d + h * 0.8, 'middle'],
			[it.x + d, it.y + h * 0.35, 'start'],
			[it.x - d, it.y + h * 0.35, 'end'],
			[it.x + diag, it.y - diag, 'start'],
			[it.x + diag, it.y + diag + h * 0.8, 'start'],
			[it.x - diag, it.y - diag, 'end'],
			[it.x - diag, it.y + diag + h * 0.8, 'end']
		];
		let placed: LabelOut = { key: it.key, x: it.x, y: it.y, anchor: null };
		for (const [x, y, anchor] of cands) {
			const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'start' ? x : x - w;
			const box = { x0, y0: y - h * 0.8, x1: x0 + w, y1: y + h * 0.2 };
			if (box.x0 < 0 || box.y0 < 0 || box.x1 > width || box.y1 > height) continue;
			if (taken.some((t) => overlaps(t, box))) continue;
			if (circles.some((c) => c.key !== it.key && overlaps(c, box))) continue;
			taken.push(box);
			placed = { key: it.key, x, y, anchor };
			break;
		}
		out.set(it.key, placed);
	}
	return items.map((i) => out.get(i.key)!);
}

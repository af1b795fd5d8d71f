//! Uploaded boundaries (GeoJSON geometries from `areaBoundaries`) turned into
//! the map's SVG paths: projected with the map's own projection and thinned to
//! what the 640-unit-wide map can show (points closer than `tolerance` map units
//! to the last kept one are dropped), so a realistic boundary file of a few MB
//! becomes a few kilobytes of paths. Done while prerendering; the browser keeps
//! the paths the build drew.
import { building } from '$app/environment';
import { geoArea, geoMercator, geoPath, geoTransform } from 'd3-geo';
import outline from 'virtual:map-outline';
import { ApiError, apiBase, query } from '$lib/api/client';
import { MAP_BOUNDARIES } from './documents';

/** One area's shape on the map. */
export interface Shape {
	areaId: string;
	/** SVG path in the map's coordinates. */
	d: string;
	/** Where its label goes (the shape's centroid). */
	label: [number, number];
}

/** A boundary as the API gives it. */
export interface BoundaryIn {
	areaId: string;
	geometry: unknown;
}

type Ring = GeoJSON.Position[];

/**
 * d3-geo reads rings on the sphere, exterior clockwise; GeoJSON files (RFC 7946)
 * wind them counter-clockwise, which d3 takes as "the whole globe but this".
 * A polygon covering more than a hemisphere is such a one: reverse its rings.
 */
function rewound(g: GeoJSON.Polygon | GeoJSON.MultiPolygon): GeoJSON.Polygon | GeoJSON.MultiPolygon {
	const fix = (rings: Ring[]): Ring[] => (geoArea({ type: 'Polygon', coordinates: rings }) > 2 * Math.PI ? rings.map((r) => [...r].reverse()) : rings);
	return g.type === 'Polygon' ? { type: 'Polygon', coordinates: fix(g.coordinates) } : { type: 'MultiPolygon', coordinates: g.coordinates.map(fix) };
}

/** Paths for the boundaries that fall on the map; others are left out. */
export function shapesOf(boundaries: readonly BoundaryIn[], tolerance = 1): Shape[] {
	const projection = geoMercator().scale(outline.scale).translate(outline.translate);
	const tol2 = tolerance * tolerance;
	// Projects each point and drops those within `tolerance` of the previous kept
	// point of the same ring (ring ends are kept, so rings stay closed).
	let last: [number, number] | null = null;
	let pending: [number, number] | null = null;
	const thin = geoTransform({
		point(x, y) {
			const p = projection([x, y]);
			if (!p) return;
			if (last && (p[0] - last[0]) ** 2 + (p[1] - last[1]) ** 2 < tol2) {
				pending = p;
				return;
			}
			pending = null;
			last = p;
			this.stream.point(Math.round(p[0] * 10) / 10, Math.round(p[1] * 10) / 10);
		},
		lineStart() {
			last = null;
			pending = null;
			this.stream.lineStart();
		},
		lineEnd() {
			if (pending) this.stream.point(Math.round(pending[0] * 10) / 10, Math.round(pending[1] * 10) / 10);
			pending = null;
			this.stream.lineEnd();
		}
	});
	const path = geoPath(thin);
	const centroid = geoPath(projection);
	const out: Shape[] = [];
	for (const b of boundaries) {
		const raw = b.geometry as GeoJSON.Geometry | null;
		if (!raw || (raw.type !== 'Polygon' && raw.type !== 'MultiPolygon')) continue;
		const g = rewound(raw);
		const d = path(g);
		const c = centroid.centroid(g);
		if (!d || !Number.isFinite(c[0]) || !Number.isFinite(c[1])) continue;
		if (c[0] < 0 || c[1] < 0 || c[0] > outline.width || c[1] > outline.height) continue;
		out.push({ areaId: b.areaId, d, label: [Math.round(c[0] * 10) / 10, Math.round(c[1] * 10) / 10] });
	}
	return out;
}

/**
 * The map's shapes for a page's load: while prerendering, the uploaded
 * boundaries of districts and cities read with the global `fetch` (so the
 * GeoJSON is not inlined into the page) and turned into paths; in the browser
 * nothing (the map keeps the paths the build drew, see AzMap). A build whose
 * API has no boundaries draws circles only.
 */
export async function prerenderShapes(): Promise<Shape[]> {
	if (!(import.meta.env.SSR && building)) return [];
	try {
		// Node's fetch: SvelteKit's would inline the whole GeoJSON into the page.
		// A same-origin API is addressed by path; here it needs the API's origin.
		const direct: typeof fetch = (input, init) => fetch(typeof input === 'string' && input.startsWith('/') ? `${apiBase(true)}${input}` : input, init);
		const d = await query(MAP_BOUNDARIES, {}, { building: true, fetch: direct });
		return shapesOf([...d.districts, ...d.cities]);
	} catch (e) {
		// Built without an API: the pages fetch their data in the browser, the map draws circles.
		if (e instanceof ApiError && e.kind === 'unavailable') return [];
		throw e;
	}
}

/** Shapes read back from a prerendered map (before hydration replaces it). */
export function shapesInDom(mapId: string): Shape[] {
	if (typeof document === 'undefined') return [];
	return Array.from(document.querySelectorAll<SVGPathElement>(`#${CSS.escape(mapId)}-svg path[data-area]`)).map((el) => ({
		areaId: el.dataset.area ?? '',
		d: el.getAttribute('d') ?? '',
		label: [Number(el.dataset.lx), Number(el.dataset.ly)] as [number, number]
	}));
}

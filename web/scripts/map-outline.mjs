//! Build-time map outlines: Azerbaijan and its neighbours from the `world-atlas`
//! package (Natural Earth 1:50m, ISC licence), projected once with d3-geo into SVG
//! path strings, so the browser downloads a few kilobytes of paths instead of the
//! world's topology. Exposed as `virtual:map-outline` with the projection's
//! parameters, which the site's map uses to place each area's centroid.
import { createRequire } from 'node:module';
import { geoMercator, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
const VIRTUAL_ID = 'virtual:map-outline';
const RESOLVED_ID = '\0' + VIRTUAL_ID;
export const WIDTH = 640;
export const HEIGHT = 420;
const AZERBAIJAN = '031';
const NEIGHBOURS = { '051': 'Armenia', '268': 'Georgia', '364': 'Iran', '643': 'Russia', '792': 'Türkiye' };

/** Computes the outline paths and the projection that drew them. */
export function buildOutline() {
	const topo = require('world-atlas/countries-50m.json');
	const countries = feature(topo, topo.objects.countries);
	const az = countries.features.find((f) => f.id === AZERBAIJAN);
	if (!az) throw new Error('world-atlas: Azerbaijan (031) not found');
	const pad = 16;
	const projection = geoMercator().fitExtent(
		[
			[pad, pad],
			[WIDTH - pad, HEIGHT - pad]
		],
		az
	);
	projection.clipExtent([
		[0, 0],
		[WIDTH, HEIGHT]
	]);
	const path = geoPath(projection).digits(1);
	const neighbours = countries.features
		.filter((f) => f.id in NEIGHBOURS)
		.map((f) => ({ id: f.id, name: NEIGHBOURS[f.id], d: path(f) ?? '' }))
		.filter((n) => n.d);
	return {
		width: WIDTH,
		height: HEIGHT,
		azerbaijan: path(az),
		neighbours,
		scale: projection.scale(),
		translate: projection.translate()
	};
}

export function mapOutlinePlugin() {
	let cached;
	return {
		name: 'progress-hub-map-outline',
		resolveId(id) {
			return id === VIRTUAL_ID ? RESOLVED_ID : undefined;
		},
		load(id) {
			if (id !== RESOLVED_ID) return undefined;
			cached ??= buildOutline();
			return `export default ${JSON.stringify(cached)};`;
		}
	};
}

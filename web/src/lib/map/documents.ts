//! The map's own query: uploaded boundaries of districts and cities, read while
//! prerendering (see $lib/map/boundaries) so that pages carry projected paths,
//! never the GeoJSON itself.
import { graphql } from '$lib/graphql';

export const MAP_BOUNDARIES = graphql(`
	query MapBoundaries {
		districts: areaBoundaries(kind: DISTRICT) {
			areaId
			geometry
		}
		cities: areaBoundaries(kind: CITY) {
			areaId
			geometry
		}
	}
`);

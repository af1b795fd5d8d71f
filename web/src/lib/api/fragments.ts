//! GraphQL fragments shared by several pages, typed by gql.tada.
import { graphql } from '$lib/graphql';

/** An area with enough of its ancestors to find its district or city (village → district → country). */
export const AreaFields = graphql(`
	fragment AreaFields on Area {
		id
		code
		name(lang: $lang)
		kind
		lat
		lon
		parent {
			id
			code
			name(lang: $lang)
			kind
			lat
			lon
			parent {
				id
				code
				name(lang: $lang)
				kind
				lat
				lon
			}
		}
	}
`);

/** Who takes part in a programme, with the names a portal may be configured by. */
export const ParticipantFields = graphql(`
	fragment ParticipantFields on Participation {
		role
		organisation {
			id
			name(lang: $lang)
			acronym(lang: $lang)
			nameAz: name(lang: AZ)
			nameEn: name(lang: EN)
			acronymAz: acronym(lang: AZ)
			acronymEn: acronym(lang: EN)
		}
	}
`);

/** A programme's indicators with progress against their targets. */
export const IndicatorProgressFields = graphql(`
	fragment IndicatorProgressFields on IndicatorProgress {
		code
		title(lang: $lang)
		unit
		aggregation
		method
		baseline
		target
		targetDate
		targetIllustrative
		actual {
			value
			suppressed
			protection
			withheldBelow
		}
		percentOfTarget
		asOf
		illustrative
		indicator {
			id
			sensitivity
		}
		sources {
			id
		}
	}
`);

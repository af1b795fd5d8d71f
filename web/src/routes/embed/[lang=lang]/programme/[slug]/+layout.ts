//! Data of a programme's embeds (progress card, map, indicator charts): one query,
//! with the charts drawn at build time like the programme page's.
import { graphql, readFragment, type ResultOf } from '$lib/graphql';
import { query } from '$lib/api/client';
import { AreaFields, IndicatorProgressFields, ParticipantFields } from '$lib/api/fragments';
import { loadWith } from '$lib/api/page-data';
import { prerenderCharts } from '$lib/charts/prerender';
import { apiLang, type Lang } from '$lib/i18n';
import { inPortal } from '$lib/portal';
import { embedCharts } from './charts';
import type { LayoutLoad } from './$types';

export const _EmbedQuery = graphql(
	`
		query Embed($slug: String!, $lang: Lang!) {
			project(slug: $slug) {
				id
				slug
				title(lang: $lang)
				status
				sensitivity
				participants {
					...ParticipantFields
				}
				areas {
					...AreaFields
				}
				centres(orderBy: [{ field: NAME }], first: 100) { totalCount nodes {
					id
					area {
						...AreaFields
					}
				} }
				infrastructureWorks(first: 100) { totalCount nodes {
					id
					area {
						...AreaFields
					}
				} }
			}
			projectOverview(slug: $slug, lang: $lang) {
				asOf
				indicators {
					...IndicatorProgressFields
					periods {
						periodStart
						periodEnd
						value {
							value
							suppressed
							protection
							withheldBelow
						}
						illustrative
					}
				}
			}
		}
	`,
	[AreaFields, ParticipantFields, IndicatorProgressFields]
);

export type EmbedData = ResultOf<typeof _EmbedQuery>;

export const load: LayoutLoad = async ({ fetch, params }) => {
	const lang = params.lang as Lang;
	return {
		result: await loadWith(fetch, async (options) => {
			const d = await query(_EmbedQuery, { slug: params.slug, lang: apiLang(lang) }, options);
			const visible = !!d.project && inPortal(readFragment(ParticipantFields, d.project.participants));
			return { ...d, visible, charts: await prerenderCharts(visible ? embedCharts(d, lang) : []) };
		})
	};
};

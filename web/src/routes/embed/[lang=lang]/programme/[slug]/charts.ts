//! The embeds' indicator charts: the same specs as the programme page's, built
//! from the embed query's (smaller) data.
import type { ChartSpec } from '$lib/charts/spec';
import type { ResultOf } from '$lib/graphql';
import type { Lang } from '$lib/i18n';
import { indicatorChartsFrom } from '$lib/charts/indicators';
import type { _EmbedQuery } from './+layout';

export function embedCharts(d: ResultOf<typeof _EmbedQuery>, lang: Lang): ChartSpec[] {
	return indicatorChartsFrom(d.projectOverview?.indicators ?? [], lang);
}

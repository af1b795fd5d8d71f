//! The programme page's charts, built from its query's data (see $lib/charts/indicators).
import type { ChartSpec } from '$lib/charts/spec';
import { indicatorChartsFrom } from '$lib/charts/indicators';
import type { ResultOf } from '$lib/graphql';
import type { Lang } from '$lib/i18n';
import type { _ProgrammeQuery } from './+page';

export function indicatorCharts(d: ResultOf<typeof _ProgrammeQuery>, lang: Lang): ChartSpec[] {
	return indicatorChartsFrom(d.projectOverview?.indicators ?? [], lang);
}

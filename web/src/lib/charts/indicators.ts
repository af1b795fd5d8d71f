//! Chart specs for indicators: actual per period against the target. Shared by
//! the programme page and the embeds, so an embedded chart is the page's chart.
import type { ChartSpec } from './spec';
import { IndicatorProgressFields } from '$lib/api/fragments';
import { countText, isPerturbed, withheldWord, type CountLike } from '$lib/figures';
import { formatDate, formatNumber } from '$lib/format';
import { readFragment, type FragmentOf } from '$lib/graphql';
import type { Lang } from '$lib/i18n';
import { label } from '$lib/labels';

function periodLabel(start: string | null, end: string | null, lang: Lang): string {
	if (start && end && start.slice(0, 4) === end.slice(0, 4) && start.slice(5) === '01-01' && end.slice(5) === '12-31') return start.slice(0, 4);
	if (start && end) return `${formatDate(start, lang)} – ${formatDate(end, lang)}`;
	if (start || end) return formatDate((start ?? end)!, lang);
	return lang === 'az' ? 'Dövr göstərilməyib' : 'Period not given';
}

export type IndicatorWithPeriods = FragmentOf<typeof IndicatorProgressFields> & {
	periods: ReadonlyArray<{
		periodStart: string | null;
		periodEnd: string | null;
		value: CountLike;
		illustrative: boolean;
	}>;
};

/** Chart specs of indicators with periods (shared with the embeds). */
export function indicatorChartsFrom(indicators: readonly IndicatorWithPeriods[], lang: Lang): ChartSpec[] {
	const out: ChartSpec[] = [];
	for (const raw of indicators) {
		const ind = readFragment(IndicatorProgressFields, raw);
		if (raw.periods.length === 0) continue;
		out.push({
			id: `indicator-${ind.code}`,
			title: ind.title,
			unitLabel: label('unit', ind.unit, lang),
			points: raw.periods.map((p) => ({
				label: periodLabel(p.periodStart, p.periodEnd, lang),
				value: p.value.value,
				suppressed: p.value.suppressed,
				text: countText(p.value, lang),
				perturbed: isPerturbed(p.value),
				illustrative: p.illustrative
			})),
			target: ind.target,
			targetLabel: ind.target == null ? '' : `${lang === 'az' ? 'hədəf' : 'target'} ${formatNumber(ind.target, lang)}`,
			withheldLabel: withheldWord(lang),
			lang
		});
	}
	return out;
}

//! Draws a page's charts while prerendering (the SSR-only import keeps linkedom and
//! Plot out of the browser's bundle); in the browser it returns nothing and Chart
//! keeps the prerendered SVG.
import { building } from '$app/environment';
import type { ChartSpec } from './spec';

export async function prerenderCharts(specs: ChartSpec[]): Promise<Record<string, string>> {
	if (import.meta.env.SSR && building) {
		const { renderChartsToSvg } = await import('./ssr');
		return renderChartsToSvg(specs);
	}
	return {};
}

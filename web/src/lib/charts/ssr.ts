//! Build-time chart drawing: a linkedom document stands in for the browser's, so
//! prerendered pages carry their charts as SVG and load no chart library.
import { parseHTML } from 'linkedom';
import { renderChart } from './render';
import type { ChartSpec } from './spec';

export function renderChartsToSvg(specs: ChartSpec[]): Record<string, string> {
	const { document } = parseHTML('<!doctype html><html><body></body></html>');
	return Object.fromEntries(specs.map((s) => [s.id, renderChart(s, document as unknown as Document)]));
}

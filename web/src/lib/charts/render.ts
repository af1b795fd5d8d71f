//! Draws a ChartSpec with Observable Plot into an SVG string. Runs in the build
//! (with a linkedom document, see ssr.ts) and, only when live data differs from
//! the build's, in the browser, loaded on demand (Plot is ~95 KB compressed, more
//! than a page's whole JavaScript budget).
import * as Plot from '@observablehq/plot';
import { formatNumber } from '$lib/format';
import { countTicks, type ChartSpec } from './spec';

/** SVG markup of the chart; `doc` is the document Plot creates elements in. */
export function renderChart(spec: ChartSpec, doc: Document): string {
	const shown = spec.points.filter((p) => p.value != null);
	const withheld = spec.points.filter((p) => p.suppressed);
	const labels = spec.points.map((p) => p.label);
	const max = Math.max(1, spec.target ?? 0, ...shown.map((p) => p.value ?? 0));
	// Counts: whole-number ticks only, in the page's number format (Chromium has no
	// Azerbaijani Intl data, so Plot's default would write 1,400 on /az/ pages).
	const ticks = countTicks(max * 1.15);
	const svg = Plot.plot({
		document: doc,
		width: 640,
		height: 280,
		marginLeft: 56,
		marginBottom: 40,
		style: { fontSize: '12px', background: 'transparent' },
		x: { type: 'band', domain: labels, label: null, padding: 0.3 },
		y: { grid: true, label: spec.unitLabel, domain: [0, ticks[ticks.length - 1]], ticks, tickFormat: (d: number) => formatNumber(d, spec.lang) },
		marks: [
			Plot.barY(shown, { x: 'label', y: 'value', fill: 'var(--brand, #1f4e79)' }),
			Plot.text(shown, { x: 'label', y: 'value', text: 'text', dy: -8, fill: 'currentColor' }),
			Plot.text(withheld, { x: 'label', y: 0, text: 'text', dy: -10, fill: 'currentColor', fontStyle: 'italic' }),
			...(spec.target != null
				? [
						Plot.ruleY([spec.target], { stroke: '#b3261e', strokeWidth: 2, strokeDasharray: '6 4' }),
						Plot.text([spec.target], { y: (d: number) => d, frameAnchor: 'right', text: () => spec.targetLabel, dy: -7, fill: '#b3261e' })
					]
				: []),
			Plot.ruleY([0])
		]
	}) as unknown as SVGSVGElement;
	// The table beside the chart is its accessible form: the SVG is one image with a
	// summary, and Plot's inner aria-labels (which axe flags on <g> without a role) go.
	svg.querySelectorAll('[aria-label]').forEach((el) => el.removeAttribute('aria-label'));
	svg.querySelectorAll('[aria-description]').forEach((el) => el.removeAttribute('aria-description'));
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', spec.title);
	return svg.outerHTML;
}

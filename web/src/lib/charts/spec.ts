//! What a chart shows, as plain data: the same description feeds the SVG (drawn
//! with Observable Plot), the data table beside it and the CSV link, so the three
//! cannot disagree. Specs are serialisable: the build draws them into the
//! prerendered page, and the browser redraws only when live data differs.
import type { Lang } from '$lib/i18n';

export interface ChartPoint {
	/** Category label on the x axis (a period, a support type…). */
	label: string;
	value: number | null;
	suppressed: boolean;
	/** Text shown for the point ("1 204", "fewer than 10"…), already in the page's language. */
	text: string;
	illustrative?: boolean;
	/** Rounded to protect small counts (its text then reads "≈ 40"). */
	perturbed?: boolean;
}

export interface ChartSpec {
	id: string;
	/** Accessible summary of the chart. */
	title: string;
	/** Axis label of the values, e.g. "people". */
	unitLabel: string;
	points: ChartPoint[];
	/** A target drawn as a dashed line, when the indicator has one. */
	target: number | null;
	targetLabel: string;
	/** Wording of the value axis for suppressed points (shown as a hollow marker at zero). */
	withheldLabel: string;
	/** The page's language: axis numbers are written as the page writes them (see $lib/format). */
	lang: Lang;
}

/**
 * Ticks of a count axis from 0 to at least `max`: whole numbers only, at a step
 * of 1, 2 or 5 times a power of ten, about `count` of them. The last tick is the
 * axis's top.
 */
export function countTicks(max: number, count = 5): number[] {
	const top = Math.max(1, Math.ceil(max));
	const raw = top / count;
	const pow = 10 ** Math.floor(Math.log10(raw));
	const step = Math.max(1, [1, 2, 5, 10].map((k) => k * pow).find((s) => s >= raw) ?? 10 * pow);
	const ticks: number[] = [];
	for (let t = 0; t < top + step; t += step) ticks.push(t);
	return ticks;
}

/** A stable key of a spec, to tell whether prerendered SVG still matches live data (FNV-1a of its JSON). */
export function specKey(spec: ChartSpec): string {
	const text = JSON.stringify(spec);
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h.toString(36);
}

function csvCell(s: string): string {
	// Spreadsheets run cells that begin with = + - @ as formulas (OWASP CSV injection).
	const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
	return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The chart's data as CSV (label, value, withheld, illustrative, rounded to protect small counts), for a download link beside it. */
export function specCsv(spec: ChartSpec, columnLabel: string): string {
	const lines = [[columnLabel, spec.unitLabel, 'suppressed', 'illustrative', 'perturbed'].map(csvCell).join(',')];
	for (const p of spec.points)
		lines.push([csvCell(p.label), p.value == null ? '' : String(p.value), String(p.suppressed), String(!!p.illustrative), String(!!p.perturbed)].join(','));
	if (spec.target != null) lines.push([csvCell('target'), String(spec.target), 'false', 'false', 'false'].join(','));
	return lines.join('\r\n') + '\r\n';
}

/** A `data:` URL of the chart's CSV: downloadable with no request and without JavaScript. */
export function specCsvHref(spec: ChartSpec, columnLabel: string): string {
	return `data:text/csv;charset=utf-8,${encodeURIComponent(specCsv(spec, columnLabel))}`;
}

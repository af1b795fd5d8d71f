//! The donor report's arrangement of a programme's figures, apart from its markup:
//! numbered footnotes (every figure cites the document it comes from, numbered in
//! the order first cited), results per year (events held, their participants and
//! the support counts, summed with their protection marks kept), and the dated
//! updates from the field (centre milestones, work status changes, events held),
//! newest first. Only published figures go in: what the API gives the reader.
import { sumCounts, type CountLike } from './figures';

export interface SourceDoc {
	id: string;
	title: string;
	publisher?: string | null;
	publishedOn?: string | null;
	reference?: string | null;
	language?: string | null;
}

/** Numbers sources in the order they are first cited; `cite` answers the footnote number. */
export class Footnotes {
	private order: string[] = [];
	private docs = new Map<string, SourceDoc>();
	constructor(known: SourceDoc[] = []) {
		for (const d of known) this.docs.set(d.id, d);
	}
	/** The footnote number of a source (registering it on first use); null when there is no source. */
	cite(source: SourceDoc | { id: string } | null | undefined): number | null {
		if (!source) return null;
		if ('title' in source) this.docs.set(source.id, { ...this.docs.get(source.id), ...source });
		let i = this.order.indexOf(source.id);
		if (i < 0) {
			this.order.push(source.id);
			i = this.order.length - 1;
		}
		return i + 1;
	}
	/** The cited sources in footnote order (those whose text is known). */
	list(): (SourceDoc & { n: number })[] {
		return this.order.map((id, i) => ({ ...(this.docs.get(id) ?? { id, title: id }), n: i + 1 }));
	}
}

export interface ReportEvent {
	id: string;
	title: string;
	startDate: string | null;
	status: string;
	kind: string;
	attendance: { total: CountLike } | null;
	source?: { id: string } | null;
}

export interface ReportServiceCount extends CountLike {
	periodStart: string | null;
	periodEnd: string | null;
	stage: string;
	unit: string;
}

export interface YearRow {
	year: string;
	eventsHeld: number;
	participants: ReturnType<typeof sumCounts> | null;
	/** Support counts of the year per stage and unit (`RECEIVED|PERSONS`). */
	services: { stage: string; unit: string; total: ReturnType<typeof sumCounts> }[];
}

/** Results per calendar year: events held with their participants, and support counts whose period lies in the year. */
export function resultsByYear(events: ReportEvent[], counts: ReportServiceCount[]): YearRow[] {
	const years = new Map<string, { events: ReportEvent[]; counts: Map<string, ReportServiceCount[]> }>();
	const yearOf = (y: string) => {
		let e = years.get(y);
		if (!e) years.set(y, (e = { events: [], counts: new Map() }));
		return e;
	};
	for (const e of events) if (e.startDate && e.status === 'HELD') yearOf(e.startDate.slice(0, 4)).events.push(e);
	for (const c of counts) {
		if (!c.periodStart) continue;
		const y = c.periodStart.slice(0, 4);
		// A count spanning two years belongs to neither year alone.
		if (c.periodEnd && c.periodEnd.slice(0, 4) !== y) continue;
		const k = `${c.stage}|${c.unit}`;
		const bucket = yearOf(y).counts;
		bucket.set(k, [...(bucket.get(k) ?? []), c]);
	}
	return [...years.entries()]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([year, v]) => ({
			year,
			eventsHeld: v.events.length,
			participants: v.events.some((e) => e.attendance) ? sumCounts(v.events.filter((e) => e.attendance).map((e) => e.attendance!.total)) : null,
			services: [...v.counts.entries()].map(([k, list]) => {
				const [stage, unit] = k.split('|');
				return { stage, unit, total: sumCounts(list) };
			})
		}));
}

export type UpdateKind = 'milestone' | 'work' | 'event';

export interface DatedUpdate {
	date: string;
	kind: UpdateKind;
	/** What it is about (the centre, the work, the event). */
	subject: string;
	/** A code to label (centre status, work status, event kind). */
	code: string;
	note?: string | null;
	progressPercent?: number | null;
	source?: { id: string } | null;
}

export interface UpdateInputs {
	centres: { name: string; milestones: { status: string; reachedOn: string | null; note?: string | null }[]; source?: { id: string } | null }[];
	works: { title: string; statusHistory: { status: string; changedOn: string | null; progressPercent: number | null; note?: string | null }[]; source?: { id: string } | null }[];
	events: ReportEvent[];
}

/** The dated updates from the field, newest first (undated steps are left out: they cannot be placed). */
export function datedUpdates(input: UpdateInputs, limit = 40): DatedUpdate[] {
	const out: DatedUpdate[] = [];
	for (const c of input.centres)
		for (const ms of c.milestones) if (ms.reachedOn) out.push({ date: ms.reachedOn, kind: 'milestone', subject: c.name, code: ms.status, note: ms.note, source: c.source });
	for (const w of input.works)
		for (const h of w.statusHistory)
			if (h.changedOn) out.push({ date: h.changedOn, kind: 'work', subject: w.title, code: h.status, note: h.note, progressPercent: h.progressPercent, source: w.source });
	for (const e of input.events) if (e.startDate && e.status === 'HELD') out.push({ date: e.startDate, kind: 'event', subject: e.title, code: e.kind, source: e.source });
	return out.sort((a, b) => b.date.localeCompare(a.date) || a.subject.localeCompare(b.subject)).slice(0, limit);
}

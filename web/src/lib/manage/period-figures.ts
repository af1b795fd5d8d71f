/**
 * A reporting period's figures, as the approval screen shows them beside the
 * decision: the events that started in the period (as the period lock counts
 * them), how many were held, their participants, and the service counts whose
 * month lies in the period, summed per stage and unit. Computed from what the
 * API gives the administrator (raw counts for them; a figure the API withholds
 * arrives as null and is counted as "not known", never as 0).
 */

export interface PeriodEvent {
	startDate: string | null;
	status: string;
	attendance: { total: { value: number | null } | null } | null;
}

export interface PeriodServiceCount {
	periodStart: string | null;
	periodEnd: string | null;
	stage: string;
	unit: string;
	value: number | null;
}

export interface PeriodFigures {
	events: number;
	held: number;
	cancelled: number;
	/** Participants of the events in the period. */
	attendance: number;
	/** Events in the period whose participant total is not known to this reader. */
	attendanceUnknown: number;
	/** Events of the project with no start date: outside every period. */
	undated: number;
	/** Service counts in the period: sum per stage and unit (`RECEIVED|PERSONS`). */
	services: { stage: string; unit: string; value: number; rows: number }[];
}

/** Whether [start, end] of a record lies inside the period (dates as ISO text). */
const within = (d: string, start: string, end: string) => d >= start && d <= end;

export function periodFigures(project: { events: PeriodEvent[]; serviceCounts: PeriodServiceCount[] }, start: string, end: string): PeriodFigures {
	const out: PeriodFigures = { events: 0, held: 0, cancelled: 0, attendance: 0, attendanceUnknown: 0, undated: 0, services: [] };
	for (const e of project.events) {
		if (!e.startDate) {
			out.undated += 1;
			continue;
		}
		if (!within(e.startDate.slice(0, 10), start, end)) continue;
		out.events += 1;
		if (e.status === 'HELD') out.held += 1;
		if (e.status === 'CANCELLED') {
			out.cancelled += 1;
			continue;
		}
		const v = e.attendance?.total?.value;
		if (v == null) {
			if (e.attendance) out.attendanceUnknown += 1;
		} else out.attendance += v;
	}
	const byKey = new Map<string, { stage: string; unit: string; value: number; rows: number }>();
	for (const s of project.serviceCounts) {
		if (!s.periodStart || s.value == null) continue;
		const last = s.periodEnd ?? s.periodStart;
		if (!(within(s.periodStart, start, end) && within(last, start, end))) continue;
		const k = `${s.stage}|${s.unit}`;
		const cur = byKey.get(k) ?? { stage: s.stage, unit: s.unit, value: 0, rows: 0 };
		cur.value += s.value;
		cur.rows += 1;
		byKey.set(k, cur);
	}
	out.services = [...byKey.values()];
	return out;
}

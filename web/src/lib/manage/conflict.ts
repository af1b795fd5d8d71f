/**
 * What a conflict view compares: for each value the refused change sets,
 * the value the manager sent and the value the record has now. The rows are
 * computed from the pending steps' variables and the record just read, so
 * any operation of the registry gets a comparison without its own code.
 */

import { attendanceKey } from './grid';
import { countKey, type StoredCount } from './ops';
import type { OutboxEntry } from './outbox';

export interface ConflictRow {
	/** The field name (as in the API input). */
	field: string;
	mine: string;
	current: string;
}

const SKIP = new Set(['id', 'version', 'eventId', 'projectId', 'centreId', 'periodStart', 'periodEnd']);

function show(v: unknown): string {
	if (v === null || v === undefined || v === '') return '—';
	return String(v);
}

function cellsText(cells: readonly { sex: string; ageBand: string; disability: string; category: string; count: number | null }[]): Map<string, number | null> {
	return new Map(cells.map((c) => [attendanceKey(c as never), c.count]));
}

/** Rows comparing the change waiting in `entry` with `current` (the record as read now). */
export function conflictRows(entry: OutboxEntry, current: Record<string, unknown> | null | undefined): ConflictRow[] {
	const rows: ConflictRow[] = [];
	const cur = current ?? {};
	for (const step of entry.steps.filter((s) => !s.done)) {
		const vars = step.variables as Record<string, unknown>;
		const input = (vars.input ?? vars) as Record<string, unknown>;
		if (step.op === 'setServiceCounts') {
			const stored = (cur.serviceCounts ?? []) as StoredCount[];
			const inPeriod = stored.filter((s) => s.periodStart === input.periodStart && s.periodEnd === input.periodEnd && (s.centre?.id ?? null) === ((input.centreId as string) ?? null));
			const byKey = new Map(inPeriod.map((s) => [countKey(s), s.value]));
			for (const c of input.counts as (StoredCount & { value: number })[]) {
				rows.push({ field: countKey(c), mine: show(c.value), current: show(byKey.get(countKey(c))) });
			}
			continue;
		}
		for (const [field, value] of Object.entries(input)) {
			if (SKIP.has(field)) continue;
			if (field === 'cells' || field === 'attendance') {
				const mine = cellsText(value as never);
				const theirs = cellsText(((cur.attendance as { cells?: never[] } | null)?.cells ?? []) as never);
				for (const key of new Set([...mine.keys(), ...theirs.keys()])) {
					if (step.op === 'addAttendance' && !mine.has(key)) continue;
					rows.push({ field: `cell:${key}`, mine: show(mine.get(key)), current: show(theirs.get(key)) });
				}
				continue;
			}
			rows.push({ field, mine: show(value), current: show(cur[field]) });
		}
	}
	return rows;
}

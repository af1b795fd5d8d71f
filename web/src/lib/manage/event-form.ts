/**
 * The event form's model, apart from its markup: the typed state, the
 * checks before queueing, and the outbox steps for a new event (one
 * `createEvent` carrying the grid) or an edit (`updateEvent` for changed
 * fields, `recordAttendance` for a changed grid, the second based on the
 * version the first returns).
 */

import type { EventKind, EventStatus } from './codes';
import { attendanceCells, attendanceKey, attendanceSpec, axesFromCells, checkGrid, DEFAULT_AXES, parseCount, textFromCells, type AttendanceAxes, type GridText } from './grid';
import type { NewStep } from './outbox';

export interface EventFormState {
	kind: EventKind;
	titleAz: string;
	titleEn: string;
	topicsAz: string;
	topicsEn: string;
	startDate: string;
	endDate: string;
	capacity: string;
	status: EventStatus;
	centreId: string;
	axes: AttendanceAxes;
	text: GridText;
	/** Keys of the attendance cells in the order last sent (maps server errors back to cells). */
	sentKeys?: string[];
}

/** An event as the form reads it (the ManageEventFields fragment). */
export interface EventRecord {
	id: string;
	version: number;
	kind: string;
	status: string;
	startDate: string | null;
	endDate: string | null;
	capacity: number | null;
	titleAz: string;
	titleEn: string;
	topicsAz: string | null;
	topicsEn: string | null;
	centre: { id: string } | null;
	attendance: { cells: { sex: string; ageBand: string; disability: string; category: string; count: number | null }[] } | null;
}

export function emptyForm(): EventFormState {
	return {
		kind: 'TRAINING',
		titleAz: '',
		titleEn: '',
		topicsAz: '',
		topicsEn: '',
		startDate: '',
		endDate: '',
		capacity: '',
		status: 'HELD',
		centreId: '',
		axes: structuredClone(DEFAULT_AXES),
		text: {}
	};
}

export function formFromEvent(e: EventRecord): EventFormState {
	const cells = (e.attendance?.cells ?? []).filter((c) => c.count != null);
	return {
		kind: e.kind as EventKind,
		titleAz: e.titleAz,
		titleEn: e.titleEn,
		topicsAz: e.topicsAz ?? '',
		topicsEn: e.topicsEn ?? '',
		startDate: e.startDate ?? '',
		endDate: e.endDate ?? '',
		capacity: e.capacity == null ? '' : String(e.capacity),
		status: e.status as EventStatus,
		centreId: e.centre?.id ?? '',
		axes: axesFromCells(cells as never),
		text: textFromCells(cells)
	};
}

/** Problems found before queueing, by form field (`grid` for the whole grid). */
export type LocalErrors = Record<string, string[]>;

export interface Messages {
	required: string;
	endBeforeStart: string;
	notWhole: string;
	gridInvalid: string;
	capacity: string;
}

export function checkForm(f: EventFormState, msg: Messages): LocalErrors {
	const out: LocalErrors = {};
	const add = (k: string, t: string) => (out[k] ??= []).push(t);
	if (!f.titleAz.trim()) add('titleAz', msg.required);
	if (!f.titleEn.trim()) add('titleEn', msg.required);
	if (f.startDate && f.endDate && f.endDate < f.startDate) add('endDate', msg.endBeforeStart);
	const cap = parseCount(f.capacity);
	if (!cap.ok || cap.value === 0) add('capacity', msg.notWhole);
	const grid = checkGrid(attendanceSpec(f.axes), f.text, cap.ok ? cap.value : null);
	if (Object.keys(grid.cells).length > 0) add('grid', msg.gridInvalid);
	if (grid.grid.length > 0) add('grid', msg.capacity);
	return out;
}

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());

/** The steps that create an event with its grid: one mutation. */
export function createSteps(projectId: string, f: EventFormState): { steps: NewStep[]; sentKeys: string[] } {
	const cells = attendanceCells(f.axes, f.text);
	const cap = parseCount(f.capacity);
	const input: Record<string, unknown> = {
		projectId,
		kind: f.kind,
		titleAz: f.titleAz.trim(),
		titleEn: f.titleEn.trim(),
		status: f.status,
		attendance: cells
	};
	const extra = {
		centreId: opt(f.centreId),
		topicsAz: opt(f.topicsAz),
		topicsEn: opt(f.topicsEn),
		startDate: opt(f.startDate),
		endDate: opt(f.endDate),
		capacity: cap.ok && cap.value != null ? cap.value : undefined
	};
	for (const [k, v] of Object.entries(extra)) if (v !== undefined) input[k] = v;
	return { steps: [{ op: 'createEvent', variables: { input } }], sentKeys: cells.map(attendanceKey) };
}

function sameCells(a: ReturnType<typeof attendanceCells>, b: ReturnType<typeof attendanceCells>): boolean {
	const norm = (x: typeof a) => x.filter((c) => c.count > 0).map((c) => `${attendanceKey(c)}=${c.count}`).sort().join(',');
	return norm(a) === norm(b);
}

/**
 * The steps that apply an edit: `updateEvent` with the fields that changed
 * (if any), then `recordAttendance` when the grid changed, based on the
 * version the update returns. Empty when nothing changed.
 */
export function editSteps(original: EventRecord, f: EventFormState): { steps: NewStep[]; sentKeys: string[] } {
	const before = formFromEvent(original);
	const changes: Record<string, unknown> = {};
	const cap = parseCount(f.capacity);
	if (f.kind !== before.kind) changes.kind = f.kind;
	if (f.titleAz.trim() !== before.titleAz) changes.titleAz = f.titleAz.trim();
	if (f.titleEn.trim() !== before.titleEn) changes.titleEn = f.titleEn.trim();
	if (f.topicsAz.trim() !== before.topicsAz) changes.topicsAz = f.topicsAz.trim();
	if (f.topicsEn.trim() !== before.topicsEn) changes.topicsEn = f.topicsEn.trim();
	if (f.startDate !== before.startDate && f.startDate) changes.startDate = f.startDate;
	if (f.endDate !== before.endDate && f.endDate) changes.endDate = f.endDate;
	if (f.capacity !== before.capacity && cap.ok && cap.value != null) changes.capacity = cap.value;
	if (f.status !== before.status && f.status !== 'CANCELLED') changes.status = f.status;
	const steps: NewStep[] = [];
	if (Object.keys(changes).length > 0) steps.push({ op: 'updateEvent', variables: { input: { id: original.id, version: original.version, ...changes } } });
	const cells = attendanceCells(f.axes, f.text);
	const oldCells = attendanceCells(before.axes, before.text);
	if (!sameCells(cells, oldCells)) {
		steps.push({
			op: 'recordAttendance',
			variables: { eventId: original.id, version: original.version, cells },
			...(steps.length > 0 ? { versionFromPrevious: 'version' } : {})
		});
	}
	return { steps, sentKeys: cells.map(attendanceKey) };
}

/** The steps that add counts to an event without overwriting (several people entering one event). */
export function addSteps(eventId: string, axes: AttendanceAxes, text: GridText): { steps: NewStep[]; sentKeys: string[] } {
	const cells = attendanceCells(axes, text).filter((c) => c.count > 0);
	return { steps: [{ op: 'addAttendance', variables: { eventId, cells } }], sentKeys: cells.map(attendanceKey) };
}

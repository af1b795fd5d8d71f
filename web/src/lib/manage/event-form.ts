/**
 * The event form's model, apart from its markup: the typed state, the
 * checks before queueing, and the outbox steps for a new event (one
 * `createEvent` carrying the grid) or an edit (`updateEvent` for changed
 * fields and the grid, in one write).
 */

import type { EventKind, EventStatus } from './codes';
import { isIsoDate } from './date-input';
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
	/** The language `titleAz` is really in (`EN` when only an English title was given, which the API then returns for AZ too). */
	titleAzLang?: string;
	/** The language `titleEn` is really in. */
	titleEnLang?: string;
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
		// A title the API fills in from the other language is not this language's title.
		titleAz: e.titleAzLang && e.titleAzLang !== 'AZ' ? '' : e.titleAz,
		titleEn: e.titleEnLang && e.titleEnLang !== 'EN' ? '' : e.titleEn,
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
	/** A date field whose text is not a date. */
	date: string;
	endBeforeStart: string;
	notWhole: string;
	gridInvalid: string;
	capacity: string;
}

export function checkForm(f: EventFormState, msg: Messages): LocalErrors {
	const out: LocalErrors = {};
	const add = (k: string, t: string) => (out[k] ??= []).push(t);
	// One language is enough (the API shows the other language's readers this one, marked).
	if (!f.titleAz.trim() && !f.titleEn.trim()) {
		add('titleAz', msg.required);
		add('titleEn', msg.required);
	}
	const badStart = !!f.startDate && !isIsoDate(f.startDate);
	const badEnd = !!f.endDate && !isIsoDate(f.endDate);
	if (badStart) add('startDate', msg.date);
	if (badEnd) add('endDate', msg.date);
	if (!badStart && !badEnd && f.startDate && f.endDate && f.endDate < f.startDate) add('endDate', msg.endBeforeStart);
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
 * The step that applies an edit: one `updateEvent` with the fields that
 * changed and, when the grid changed, the new grid (the API replaces it in the
 * same write, with one version bump). Empty when nothing changed.
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
	const cells = attendanceCells(f.axes, f.text);
	if (!sameCells(cells, attendanceCells(before.axes, before.text))) changes.attendance = cells;
	if (Object.keys(changes).length === 0) return { steps: [], sentKeys: [] };
	return { steps: [{ op: 'updateEvent', variables: { input: { id: original.id, version: original.version, ...changes } } }], sentKeys: cells.map(attendanceKey) };
}

/** The steps that add counts to an event without overwriting (several people entering one event). */
export function addSteps(eventId: string, axes: AttendanceAxes, text: GridText): { steps: NewStep[]; sentKeys: string[] } {
	const cells = attendanceCells(axes, text).filter((c) => c.count > 0);
	return { steps: [{ op: 'addAttendance', variables: { eventId, cells } }], sentKeys: cells.map(attendanceKey) };
}

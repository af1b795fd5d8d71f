/**
 * The data-entry grid: a table of counts whose rows are the product of some
 * dimensions and whose columns the product of others (attendance: category ×
 * disability by sex × age band; service counts: support type × channel by
 * stage). Owns parsing what people type, totals as they type, and the checks
 * that run before anything is queued (negative, not a whole number, duplicate
 * cell, over capacity) — the same rules the API applies, so the server's
 * refusal is the exception, not the way errors are found.
 */

import {
	AGE_BANDS,
	CATEGORIES,
	DISABILITIES,
	SEXES,
	type AgeBand,
	type BeneficiaryCategory,
	type Disability,
	type Sex
} from './codes';

/** A grid layout: which dimensions make rows and columns, and the values of each in use. */
export interface GridSpec<D extends string = string> {
	rowDims: readonly D[];
	colDims: readonly D[];
	values: Readonly<Record<D, readonly string[]>>;
}

/** A cell's coordinates: one value per dimension. */
export type Coord<D extends string = string> = Record<D, string>;

/** Raw text typed per cell key (what the inputs hold). */
export type GridText = Record<string, string>;

function product<D extends string>(dims: readonly D[], values: Readonly<Record<D, readonly string[]>>): Coord<D>[] {
	let acc: Coord<D>[] = [{} as Coord<D>];
	for (const d of dims) {
		const next: Coord<D>[] = [];
		for (const partial of acc) for (const v of values[d]) next.push({ ...partial, [d]: v });
		acc = next;
	}
	return acc;
}

/** Stable key of a cell: its values in row-dimension then column-dimension order. */
export function cellKey<D extends string>(spec: GridSpec<D>, coord: Coord<D>): string {
	return [...spec.rowDims, ...spec.colDims].map((d) => coord[d]).join('|');
}

/** Key of a row or a column (its partial coordinates). */
export function partKey<D extends string>(dims: readonly D[], coord: Partial<Coord<D>>): string {
	return dims.map((d) => coord[d]).join('|');
}

/** The grid's rows, in display order. */
export function rowsOf<D extends string>(spec: GridSpec<D>): Coord<D>[] {
	return product(spec.rowDims, spec.values);
}

/** The grid's columns, in display order. */
export function colsOf<D extends string>(spec: GridSpec<D>): Coord<D>[] {
	return product(spec.colDims, spec.values);
}

/** Every cell, row by row. */
export function cellsOf<D extends string>(spec: GridSpec<D>): Coord<D>[] {
	const out: Coord<D>[] = [];
	for (const r of rowsOf(spec)) for (const c of colsOf(spec)) out.push({ ...r, ...c });
	return out;
}

/** Why typed text is not a count. */
export type CountProblem = 'NEGATIVE_COUNT' | 'INVALID';

/** The result of reading a cell: empty, a count, or a problem. */
export type ParsedCount = { ok: true; value: number | null } | { ok: false; problem: CountProblem };

/** Largest count accepted (the API stores 32-bit integers). */
export const MAX_COUNT = 2_147_483_647;

/**
 * Reads a count as people type it: blank is empty; digits may be grouped with
 * spaces (the Azerbaijani `1 204`, including no-break and narrow spaces);
 * a minus sign is a negative count; anything else (decimals, letters, `1.204`,
 * which an Azerbaijani reader takes for 1,204 and an English one for 1.204) is invalid.
 */
export function parseCount(text: string): ParsedCount {
	const t = text.replace(/[\s\u00a0\u202f]/g, '');
	if (t === '') return { ok: true, value: null };
	if (/^[-\u2212]\d+$/.test(t)) return Number(t.slice(1)) === 0 ? { ok: true, value: 0 } : { ok: false, problem: 'NEGATIVE_COUNT' };
	if (!/^\+?\d+$/.test(t)) return { ok: false, problem: 'INVALID' };
	const value = Number(t.replace('+', ''));
	if (!Number.isSafeInteger(value) || value > MAX_COUNT) return { ok: false, problem: 'INVALID' };
	return { ok: true, value };
}

/** Totals as they type: per row, per column and in all (cells that do not parse count as 0). */
export interface GridTotals {
	rows: Record<string, number>;
	cols: Record<string, number>;
	total: number;
	filled: number;
}

export function totals<D extends string>(spec: GridSpec<D>, text: GridText): GridTotals {
	const rows: Record<string, number> = {};
	const cols: Record<string, number> = {};
	let total = 0;
	let filled = 0;
	for (const r of rowsOf(spec)) rows[partKey(spec.rowDims, r)] = 0;
	for (const c of colsOf(spec)) cols[partKey(spec.colDims, c)] = 0;
	for (const coord of cellsOf(spec)) {
		const parsed = parseCount(text[cellKey(spec, coord)] ?? '');
		if (!parsed.ok || parsed.value === null) continue;
		filled += 1;
		rows[partKey(spec.rowDims, coord)] += parsed.value;
		cols[partKey(spec.colDims, coord)] += parsed.value;
		total += parsed.value;
	}
	return { rows, cols, total, filled };
}

/** Problems found before sending. */
export interface GridCheck {
	/** Per cell key: why its text is refused. */
	cells: Record<string, CountProblem | 'DUPLICATE_CELL'>;
	/** Grid-wide problems. */
	grid: { code: 'CAPACITY_EXCEEDED'; total: number; capacity: number }[];
	ok: boolean;
}

/**
 * Checks a grid before it is queued. `alreadyRecorded` is what the event holds
 * already when the grid is added to it (addAttendance), 0 when it replaces it.
 */
export function checkGrid<D extends string>(
	spec: GridSpec<D>,
	text: GridText,
	capacity: number | null | undefined,
	alreadyRecorded = 0
): GridCheck {
	const cells: GridCheck['cells'] = {};
	for (const coord of cellsOf(spec)) {
		const key = cellKey(spec, coord);
		const parsed = parseCount(text[key] ?? '');
		if (!parsed.ok) cells[key] = parsed.problem;
	}
	const grid: GridCheck['grid'] = [];
	const total = totals(spec, text).total + alreadyRecorded;
	if (capacity != null && total > capacity) grid.push({ code: 'CAPACITY_EXCEEDED', total, capacity });
	return { cells, grid, ok: Object.keys(cells).length === 0 && grid.length === 0 };
}

/** The filled cells as coordinates with counts, row by row (blank cells are left out). */
export function filledCells<D extends string>(spec: GridSpec<D>, text: GridText): (Coord<D> & { count: number })[] {
	const out: (Coord<D> & { count: number })[] = [];
	for (const coord of cellsOf(spec)) {
		const parsed = parseCount(text[cellKey(spec, coord)] ?? '');
		if (parsed.ok && parsed.value !== null) out.push({ ...coord, count: parsed.value });
	}
	return out;
}

/**
 * Finds cells listed twice in a list about to be sent (same coordinates in
 * every dimension): the indexes of the second and later occurrences.
 */
export function duplicateIndexes<T>(cells: readonly T[], keyOf: (cell: T) => string): number[] {
	const seen = new Set<string>();
	const dup: number[] = [];
	cells.forEach((c, i) => {
		const k = keyOf(c);
		if (seen.has(k)) dup.push(i);
		else seen.add(k);
	});
	return dup;
}

// ---- Attendance -------------------------------------------------------------

export type AttendanceDim = 'category' | 'disability' | 'sex' | 'ageBand';

/** One attendance cell as the API takes it. */
export interface AttendanceCellInput {
	sex: Sex;
	ageBand: AgeBand;
	disability: Disability;
	category: BeneficiaryCategory;
	count: number;
}

/** The values of each attendance dimension a grid uses. */
export interface AttendanceAxes {
	sexes: Sex[];
	ageBands: AgeBand[];
	disabilities: Disability[];
	categories: BeneficiaryCategory[];
}

/** A sensible start: women and men, three adult bands, disability not recorded, general public. */
export const DEFAULT_AXES: AttendanceAxes = {
	sexes: ['FEMALE', 'MALE'],
	ageBands: ['AGE_18_TO_24', 'AGE_25_TO_59', 'AGE_60_PLUS'],
	disabilities: ['UNKNOWN'],
	categories: ['GENERAL']
};

function ordered<T extends string>(all: readonly T[], chosen: readonly T[]): T[] {
	return all.filter((v) => chosen.includes(v));
}

/** The attendance grid: rows category × disability, columns sex × age band. */
export function attendanceSpec(axes: AttendanceAxes): GridSpec<AttendanceDim> {
	return {
		rowDims: ['category', 'disability'],
		colDims: ['sex', 'ageBand'],
		values: {
			category: ordered(CATEGORIES, axes.categories),
			disability: ordered(DISABILITIES, axes.disabilities),
			sex: ordered(SEXES, axes.sexes),
			ageBand: ordered(AGE_BANDS, axes.ageBands)
		}
	};
}

/** Key of an attendance cell, independent of the layout. */
export function attendanceKey(c: Pick<AttendanceCellInput, 'sex' | 'ageBand' | 'disability' | 'category'>): string {
	return `${c.category}|${c.disability}|${c.sex}|${c.ageBand}`;
}

/** The axes that show every stored cell (each dimension: the values used, in code-list order). */
export function axesFromCells(cells: readonly Omit<AttendanceCellInput, 'count'>[]): AttendanceAxes {
	if (cells.length === 0) return structuredClone(DEFAULT_AXES);
	const pick = <T extends string>(all: readonly T[], get: (c: Omit<AttendanceCellInput, 'count'>) => T) =>
		ordered(all, cells.map(get));
	return {
		sexes: pick(SEXES, (c) => c.sex),
		ageBands: pick(AGE_BANDS, (c) => c.ageBand),
		disabilities: pick(DISABILITIES, (c) => c.disability),
		categories: pick(CATEGORIES, (c) => c.category)
	};
}

/** The text of a grid holding stored cells (counts written plainly, for editing). */
export function textFromCells(cells: readonly { sex: string; ageBand: string; disability: string; category: string; count: number | null }[]): GridText {
	const text: GridText = {};
	for (const c of cells) if (c.count != null) text[attendanceKey(c as AttendanceCellInput)] = String(c.count);
	return text;
}

/** The filled cells of an attendance grid as the API takes them (blank cells left out). */
export function attendanceCells(axes: AttendanceAxes, text: GridText): AttendanceCellInput[] {
	return filledCells(attendanceSpec(axes), text).map((c) => ({
		sex: c.sex as Sex,
		ageBand: c.ageBand as AgeBand,
		disability: c.disability as Disability,
		category: c.category as BeneficiaryCategory,
		count: c.count
	}));
}

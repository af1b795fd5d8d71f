/**
 * Validation rules in the browser: the same definitions the server stores
 * and evaluates (`api/src/rules/mod.rs`), evaluated here so an entry made
 * offline is checked before it is queued. Both evaluators read the fixture
 * `api/src/rules/fixtures.json` in their tests and must give every verdict
 * in it: a change to one that the other does not follow fails a test suite.
 *
 * An entry's figures come from its cells: per stage and unit
 * (`SERVED_PERSONS`), the sum of the cells without a personal breakdown, or,
 * when every cell of the figure is broken down, the sum of all of them.
 */

export type Op = 'LT' | 'LE' | 'EQ' | 'GE' | 'GT';
export type Dimension = 'SEX' | 'AGE_BAND' | 'DISABILITY' | 'CATEGORY';

export type Check =
	| { kind: 'RANGE'; figure: string; min?: number | null; max?: number | null }
	| { kind: 'COMPARE'; left: string; op: Op; right: string }
	| { kind: 'MEDIAN_MULTIPLE'; figure: string; factor: number; periods?: number; minPeriods?: number }
	| { kind: 'REQUIRED_BREAKDOWN'; figure: string; dimension: Dimension };

export interface Cell {
	stage: string;
	unit: string;
	sex?: string | null;
	ageBand?: string | null;
	disability?: string | null;
	category?: string | null;
	value: number;
}

export interface Entry {
	figures: Record<string, number>;
	breakdowns: Record<string, Dimension[]>;
	/** Figure → values of past periods, oldest first. */
	history: Record<string, number[]>;
}

export type Status = 'PASS' | 'FAIL' | 'SKIP';
export interface Verdict {
	status: Status;
	values: Record<string, number>;
}

export const figureName = (stage: string, unit: string) => `${stage.toUpperCase()}_${unit.toUpperCase()}`;

export function figuresOf(cells: readonly Cell[]): Entry {
	const whole = new Map<string, number>();
	const all = new Map<string, number>();
	const dims = new Map<string, Set<Dimension>>();
	for (const c of cells) {
		const name = figureName(c.stage, c.unit);
		const mine: Dimension[] = [];
		if (c.sex != null) mine.push('SEX');
		if (c.ageBand != null) mine.push('AGE_BAND');
		if (c.disability != null) mine.push('DISABILITY');
		if (c.category != null) mine.push('CATEGORY');
		all.set(name, (all.get(name) ?? 0) + c.value);
		const set = dims.get(name) ?? new Set<Dimension>();
		dims.set(name, set);
		if (mine.length === 0) whole.set(name, (whole.get(name) ?? 0) + c.value);
		else for (const d of mine) set.add(d);
	}
	const figures: Record<string, number> = {};
	for (const [k, v] of all) figures[k] = whole.get(k) ?? v;
	const breakdowns: Record<string, Dimension[]> = {};
	for (const [k, s] of dims) breakdowns[k] = [...s];
	return { figures, breakdowns, history: {} };
}

export function median(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const v = [...values].sort((a, b) => a - b);
	const n = v.length;
	return n % 2 === 1 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

const holds = (op: Op, l: number, r: number) => (op === 'LT' ? l < r : op === 'LE' ? l <= r : op === 'EQ' ? l === r : op === 'GE' ? l >= r : l > r);

export function evaluate(check: Check, entry: Entry): Verdict {
	const fig = (name: string): number | undefined => (Object.hasOwn(entry.figures, name) ? entry.figures[name] : undefined);
	const values: Record<string, number> = {};
	const done = (status: Status): Verdict => ({ status, values });
	switch (check.kind) {
		case 'RANGE': {
			const v = fig(check.figure);
			if (v === undefined) return done('SKIP');
			values.value = v;
			const below = check.min != null && v < check.min;
			const above = check.max != null && v > check.max;
			return done(below || above ? 'FAIL' : 'PASS');
		}
		case 'COMPARE': {
			const l = fig(check.left);
			const r = fig(check.right);
			if (l === undefined || r === undefined) return done('SKIP');
			values.left = l;
			values.right = r;
			return done(holds(check.op, l, r) ? 'PASS' : 'FAIL');
		}
		case 'MEDIAN_MULTIPLE': {
			const periods = check.periods ?? 6;
			const minPeriods = check.minPeriods ?? 3;
			const past = entry.history[check.figure] ?? [];
			const recent = past.slice(Math.max(0, past.length - periods));
			const v = fig(check.figure);
			const m = median(recent);
			if (v === undefined || m === null || recent.length < minPeriods) return done('SKIP');
			const limit = check.factor * m;
			values.value = v;
			values.median = m;
			values.limit = limit;
			return done(v > limit ? 'FAIL' : 'PASS');
		}
		case 'REQUIRED_BREAKDOWN': {
			const v = fig(check.figure);
			if (v === undefined) return done('SKIP');
			values.value = v;
			return done((entry.breakdowns[check.figure] ?? []).includes(check.dimension) ? 'PASS' : 'FAIL');
		}
	}
}

/** A rule as the API lists it for a project. */
export interface Rule {
	id: string;
	severity: 'ERROR' | 'WARNING';
	definition: Check;
	message: string;
}

/** A broken rule, with its verdict. */
export interface Broken {
	rule: Rule;
	verdict: Verdict;
}

/** The rules an entry breaks: errors block, warnings ask for a reason. */
export function brokenRules(rules: readonly Rule[], entry: Entry): { errors: Broken[]; warnings: Broken[] } {
	const errors: Broken[] = [];
	const warnings: Broken[] = [];
	for (const rule of rules) {
		const verdict = evaluate(rule.definition, entry);
		if (verdict.status !== 'FAIL') continue;
		(rule.severity === 'ERROR' ? errors : warnings).push({ rule, verdict });
	}
	return { errors, warnings };
}

/** A stored count as the entry screen has it (for building an entry's history). */
export interface PastCount extends Cell {
	periodStart: string | null;
	periodEnd: string | null;
	centre: { id: string } | null;
}

/**
 * Figure → values of the unit's past periods (oldest first) before
 * `periodStart`, from the counts the page holds: the same history the
 * server reads (`services::quality::history`).
 */
export function historyOf(stored: readonly PastCount[], centreId: string | null, periodStart: string): Record<string, number[]> {
	const byPeriod = new Map<string, Cell[]>();
	for (const s of stored) {
		if (!s.periodStart || s.periodStart >= periodStart || s.value == null) continue;
		if ((s.centre?.id ?? null) !== (centreId ?? null)) continue;
		const k = `${s.periodStart}|${s.periodEnd ?? ''}`;
		const list = byPeriod.get(k) ?? [];
		list.push(s);
		byPeriod.set(k, list);
	}
	const out: Record<string, number[]> = {};
	for (const k of [...byPeriod.keys()].sort()) {
		const { figures } = figuresOf(byPeriod.get(k) ?? []);
		for (const [name, v] of Object.entries(figures)) (out[name] ??= []).push(v);
	}
	return out;
}

/** The figure an indicator's rules read: its value for the period. */
export const INDICATOR_FIGURE = 'VALUE';

const DIMENSION_OF: Record<string, Dimension> = { sex: 'SEX', age_band: 'AGE_BAND', ageBand: 'AGE_BAND', disability: 'DISABILITY', category: 'CATEGORY' };

/** A stored indicator value as the set-up page has it. */
export interface PastValue {
	periodStart: string | null;
	periodEnd: string | null;
	dimension: string | null;
	value: number | null;
}

/**
 * An indicator's entry as the rules see it, the same way the server reads it
 * (`services::quality::indicator_entry`): `VALUE` is the whole value (or,
 * with only a breakdown, the largest sum of one dimension's parts), broken
 * down by the dimensions its parts use; its history is the whole value of
 * each earlier period, oldest first.
 */
export function indicatorEntry(
	value: number | null,
	breakdown: readonly { dimension: string; value: number }[],
	stored: readonly PastValue[],
	periodStart: string
): Entry {
	const sums = new Map<string, number>();
	const dims = new Set<Dimension>();
	for (const b of breakdown) {
		sums.set(b.dimension, (sums.get(b.dimension) ?? 0) + b.value);
		const d = DIMENSION_OF[b.dimension];
		if (d) dims.add(d);
	}
	const history = stored
		.filter((s) => s.dimension == null && s.periodStart != null && s.periodStart < periodStart && s.value != null)
		.sort((a, b) => (a.periodStart ?? '').localeCompare(b.periodStart ?? ''))
		.map((s) => s.value as number);
	const whole = value ?? (sums.size > 0 ? Math.max(...sums.values()) : null);
	const entry: Entry = { figures: {}, breakdowns: {}, history: { [INDICATOR_FIGURE]: history } };
	if (whole != null) {
		entry.figures[INDICATOR_FIGURE] = whole;
		entry.breakdowns[INDICATOR_FIGURE] = [...dims];
	}
	return entry;
}

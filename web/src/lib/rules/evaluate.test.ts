import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brokenRules, indicatorEntry, evaluate, figuresOf, historyOf, type Cell, type Check, type Verdict } from './evaluate';

interface Case {
	name: string;
	rule: Check;
	cells: Cell[];
	history?: Record<string, number[]>;
	expect: Verdict;
}

// The fixture the server's evaluator is tested with (api/src/rules/mod.rs).
const fixture = JSON.parse(readFileSync(new URL('../../../../api/src/rules/fixtures.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('the browser evaluates every rule as the server does', () => {
	it('has the shared cases', () => expect(fixture.cases.length).toBeGreaterThanOrEqual(15));
	for (const c of fixture.cases) {
		it(c.name, () => {
			const entry = figuresOf(c.cells);
			entry.history = c.history ?? {};
			expect(evaluate(c.rule, entry)).toEqual(c.expect);
		});
	}
});

describe('history and grouping', () => {
	it('builds a unit’s history from earlier periods only, oldest first', () => {
		const at = (periodStart: string, value: number, centre: string | null = 'C1') => ({ periodStart, periodEnd: periodStart.slice(0, 8) + '28', centre: centre ? { id: centre } : null, stage: 'RECEIVED', unit: 'PERSONS', value });
		const h = historyOf([at('2024-02-01', 5), at('2024-01-01', 3), at('2024-01-01', 4), at('2024-03-01', 99), at('2024-01-01', 50, null)], 'C1', '2024-03-01');
		expect(h).toEqual({ RECEIVED_PERSONS: [7, 5] });
	});
	it('sorts broken rules into errors and warnings', () => {
		const entry = figuresOf([{ stage: 'SERVED', unit: 'PERSONS', value: 5 }, { stage: 'RECEIVED', unit: 'PERSONS', value: 4 }]);
		const out = brokenRules(
			[
				{ id: 'a', severity: 'ERROR', message: 'x', definition: { kind: 'COMPARE', left: 'SERVED_PERSONS', op: 'LE', right: 'RECEIVED_PERSONS' } },
				{ id: 'b', severity: 'WARNING', message: 'y', definition: { kind: 'RANGE', figure: 'SERVED_PERSONS', max: 4 } },
				{ id: 'c', severity: 'WARNING', message: 'z', definition: { kind: 'RANGE', figure: 'SERVED_PERSONS', max: 40 } }
			],
			entry
		);
		expect(out.errors.map((b) => b.rule.id)).toEqual(['a']);
		expect(out.warnings.map((b) => b.rule.id)).toEqual(['b']);
	});
});

describe('indicator values', () => {
	const past = [
		{ periodStart: '2024-02-01', periodEnd: '2024-02-29', dimension: null, value: 110 },
		{ periodStart: '2024-01-01', periodEnd: '2024-01-31', dimension: null, value: 90 },
		{ periodStart: '2024-01-01', periodEnd: '2024-01-31', dimension: 'sex', value: 40 },
		{ periodStart: '2024-03-01', periodEnd: '2024-03-31', dimension: null, value: 100 },
		{ periodStart: '2024-04-01', periodEnd: '2024-04-30', dimension: null, value: 5000 }
	];
	it('reads VALUE, its breakdown and the whole values of earlier periods, as the server does', () => {
		const e = indicatorEntry(900, [{ dimension: 'sex', value: 400 }, { dimension: 'sex', value: 500 }], past, '2024-04-01');
		expect(e).toEqual({ figures: { VALUE: 900 }, breakdowns: { VALUE: ['SEX'] }, history: { VALUE: [90, 110, 100] } });
		const median = evaluate({ kind: 'MEDIAN_MULTIPLE', figure: 'VALUE', factor: 3, periods: 6, minPeriods: 3 }, e);
		expect(median).toEqual({ status: 'FAIL', values: { value: 900, median: 100, limit: 300 } });
	});
	it('takes the largest dimension sum when only a breakdown is given, and skips with nothing', () => {
		const e = indicatorEntry(null, [{ dimension: 'sex', value: 3 }, { dimension: 'sex', value: 4 }, { dimension: 'category', value: 9 }], [], '2024-01-01');
		expect(e.figures).toEqual({ VALUE: 9 });
		expect(evaluate({ kind: 'RANGE', figure: 'VALUE', max: 10 }, indicatorEntry(null, [], [], '2024-01-01')).status).toBe('SKIP');
	});
});

import { describe, expect, it } from 'vitest';
import {
	attendanceCells,
	attendanceKey,
	attendanceSpec,
	axesFromCells,
	cellKey,
	cellsOf,
	checkGrid,
	duplicateIndexes,
	parseCount,
	textFromCells,
	totals,
	type AttendanceAxes
} from './grid';

const axes: AttendanceAxes = {
	sexes: ['MALE', 'FEMALE'],
	ageBands: ['AGE_18_TO_24', 'AGE_25_TO_59', 'AGE_60_PLUS'],
	disabilities: ['UNKNOWN'],
	categories: ['MUNICIPALITY_MEMBER', 'EXECUTIVE_AUTHORITY_STAFF']
};

describe('parseCount', () => {
	it('reads blanks, plain and Azerbaijani-grouped whole numbers', () => {
		expect(parseCount('')).toEqual({ ok: true, value: null });
		expect(parseCount('  ')).toEqual({ ok: true, value: null });
		expect(parseCount('7')).toEqual({ ok: true, value: 7 });
		expect(parseCount('1 204')).toEqual({ ok: true, value: 1204 });
		expect(parseCount('1\u00a0204')).toEqual({ ok: true, value: 1204 });
		expect(parseCount('0')).toEqual({ ok: true, value: 0 });
	});
	it('calls a minus sign negative and anything else invalid', () => {
		expect(parseCount('-3')).toEqual({ ok: false, problem: 'NEGATIVE_COUNT' });
		expect(parseCount('\u22123')).toEqual({ ok: false, problem: 'NEGATIVE_COUNT' });
		expect(parseCount('1.204')).toEqual({ ok: false, problem: 'INVALID' });
		expect(parseCount('2,5')).toEqual({ ok: false, problem: 'INVALID' });
		expect(parseCount('abc')).toEqual({ ok: false, problem: 'INVALID' });
		expect(parseCount('99999999999')).toEqual({ ok: false, problem: 'INVALID' });
	});
});

describe('the attendance grid', () => {
	const spec = attendanceSpec(axes);
	it('lays 2 categories × 1 disability by 2 sexes × 3 bands out as 12 cells in code-list order', () => {
		const cells = cellsOf(spec);
		expect(cells).toHaveLength(12);
		// Code-list order, not the order chosen: executive staff before municipality members, women before men.
		expect(cells[0]).toEqual({ category: 'EXECUTIVE_AUTHORITY_STAFF', disability: 'UNKNOWN', sex: 'FEMALE', ageBand: 'AGE_18_TO_24' });
		expect(cellKey(spec, cells[0])).toBe(attendanceKey(cells[0] as never));
	});

	it('totals rows, columns and the whole as they type, skipping what does not parse', () => {
		const text = {
			[attendanceKey({ category: 'EXECUTIVE_AUTHORITY_STAFF', disability: 'UNKNOWN', sex: 'FEMALE', ageBand: 'AGE_18_TO_24' })]: '3',
			[attendanceKey({ category: 'EXECUTIVE_AUTHORITY_STAFF', disability: 'UNKNOWN', sex: 'MALE', ageBand: 'AGE_18_TO_24' })]: '1 000',
			[attendanceKey({ category: 'MUNICIPALITY_MEMBER', disability: 'UNKNOWN', sex: 'FEMALE', ageBand: 'AGE_18_TO_24' })]: 'x'
		};
		const t = totals(spec, text);
		expect(t.total).toBe(1003);
		expect(t.filled).toBe(2);
		expect(t.rows['EXECUTIVE_AUTHORITY_STAFF|UNKNOWN']).toBe(1003);
		expect(t.rows['MUNICIPALITY_MEMBER|UNKNOWN']).toBe(0);
		expect(t.cols['FEMALE|AGE_18_TO_24']).toBe(3);
		expect(t.cols['MALE|AGE_18_TO_24']).toBe(1000);
	});

	it('refuses negative and malformed cells and a total over capacity before sending', () => {
		const k1 = attendanceKey({ category: 'EXECUTIVE_AUTHORITY_STAFF', disability: 'UNKNOWN', sex: 'FEMALE', ageBand: 'AGE_18_TO_24' });
		const k2 = attendanceKey({ category: 'MUNICIPALITY_MEMBER', disability: 'UNKNOWN', sex: 'MALE', ageBand: 'AGE_60_PLUS' });
		const k3 = attendanceKey({ category: 'MUNICIPALITY_MEMBER', disability: 'UNKNOWN', sex: 'MALE', ageBand: 'AGE_25_TO_59' });
		const check = checkGrid(spec, { [k1]: '-2', [k2]: '2.5', [k3]: '11' }, 10);
		expect(check.ok).toBe(false);
		expect(check.cells).toEqual({ [k1]: 'NEGATIVE_COUNT', [k2]: 'INVALID' });
		expect(check.grid).toEqual([{ code: 'CAPACITY_EXCEEDED', total: 11, capacity: 10 }]);
		expect(checkGrid(spec, { [k3]: '10' }, 10).ok).toBe(true);
		// Adding to an event counts what it holds already.
		expect(checkGrid(spec, { [k3]: '4' }, 10, 7).grid[0]).toEqual({ code: 'CAPACITY_EXCEEDED', total: 11, capacity: 10 });
		expect(checkGrid(spec, { [k3]: '400' }, null).ok).toBe(true);
	});

	it('sends only filled cells, and a stored grid round-trips through its axes and text', () => {
		const text = {
			[attendanceKey({ category: 'MUNICIPALITY_MEMBER', disability: 'UNKNOWN', sex: 'MALE', ageBand: 'AGE_60_PLUS' })]: '4',
			[attendanceKey({ category: 'EXECUTIVE_AUTHORITY_STAFF', disability: 'UNKNOWN', sex: 'FEMALE', ageBand: 'AGE_25_TO_59' })]: '0'
		};
		const cells = attendanceCells(axes, text);
		expect(cells).toEqual([
			{ sex: 'FEMALE', ageBand: 'AGE_25_TO_59', disability: 'UNKNOWN', category: 'EXECUTIVE_AUTHORITY_STAFF', count: 0 },
			{ sex: 'MALE', ageBand: 'AGE_60_PLUS', disability: 'UNKNOWN', category: 'MUNICIPALITY_MEMBER', count: 4 }
		]);
		const back = axesFromCells(cells);
		expect(back).toEqual({
			sexes: ['FEMALE', 'MALE'],
			ageBands: ['AGE_25_TO_59', 'AGE_60_PLUS'],
			disabilities: ['UNKNOWN'],
			categories: ['EXECUTIVE_AUTHORITY_STAFF', 'MUNICIPALITY_MEMBER']
		});
		expect(attendanceCells(back, textFromCells(cells))).toEqual(cells);
	});

	it('finds the second occurrence of a repeated cell', () => {
		const cells = [
			{ sex: 'MALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 1 },
			{ sex: 'FEMALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 1 },
			{ sex: 'MALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 2 }
		] as const;
		expect(duplicateIndexes(cells, (c) => attendanceKey(c))).toEqual([2]);
	});
});

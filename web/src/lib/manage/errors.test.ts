import { describe, expect, it } from 'vitest';
import { fieldErrors, hasCode } from './errors';

describe('fieldErrors', () => {
	it('puts list errors on the cell that was sent at that index and others on their field', () => {
		const out = fieldErrors(
			[
				{ field: ['input', 'attendance', '1', 'count'], code: 'NEGATIVE_COUNT', message: 'neg' },
				{ field: ['input', 'attendance'], code: 'CAPACITY_EXCEEDED', message: 'cap' },
				{ field: ['input', 'startDate'], code: 'OUT_OF_PROJECT_RANGE', message: 'range' },
				{ field: [], code: 'FORBIDDEN', message: 'no' },
				{ field: ['input', 'surprise'], code: 'INVALID', message: '?' }
			],
			{ attendance: ['a', 'b'] },
			new Set(['startDate', 'titleAz'])
		);
		expect(Object.keys(out).sort()).toEqual(['', 'attendance', 'attendance.b', 'startDate']);
		expect(out['attendance.b'][0].code).toBe('NEGATIVE_COUNT');
		expect(out[''].map((e) => e.code)).toEqual(['FORBIDDEN', 'INVALID']);
		expect(hasCode(out.startDate, 'OUT_OF_PROJECT_RANGE')).toBe(true);
		expect(hasCode(out.startDate, 'CONFLICT')).toBe(false);
	});
	it('handles paths without the input prefix (recordAttendance, report decisions)', () => {
		const out = fieldErrors([{ field: ['cells', '0'], code: 'DUPLICATE_CELL', message: 'twice' }, { field: ['comment'], code: 'REQUIRED', message: 'why' }], { cells: ['x'] });
		expect(out['cells.x'][0].code).toBe('DUPLICATE_CELL');
		expect(out.comment[0].code).toBe('REQUIRED');
	});
});

import { globalId } from './direct';
describe('globalId', () => {
	it('encodes like the API (base64url of Type:id, no padding)', () => {
		expect(globalId('User', 2)).toBe('VXNlcjoy');
		expect(globalId('Project', 2)).toBe('UHJvamVjdDoy');
	});
});

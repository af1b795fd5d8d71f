import { describe, expect, it } from 'vitest';
import { auditChanges } from './audit-diff';

describe('the audit trail as field: before → after', () => {
	it('lists only what changed in an update, leaving out search keys', () => {
		const before = { id: 7, title_en: 'Training', capacity: 30, version: 1, search_key: 'training', start_date: '2021-08-01' };
		const after = { id: 7, title_en: 'Leadership training', capacity: 40, version: 2, search_key: 'leadership training', start_date: '2021-08-01' };
		expect(auditChanges(before, after)).toEqual([
			{ field: 'title_en', before: 'Training', after: 'Leadership training' },
			{ field: 'capacity', before: '30', after: '40' },
			{ field: 'version', before: '1', after: '2' }
		]);
	});

	it('reads a creation as the fields that were set, and grid cells by their codes', () => {
		const after = {
			event: { id: 3, title_az: 'Təlim', title_en: '', capacity: null },
			attendance: [
				{ sex: 'FEMALE', ageBand: 'UNKNOWN', count: 12 },
				{ sex: 'MALE', ageBand: 'UNKNOWN', count: 8 }
			]
		};
		expect(auditChanges(null, after)).toEqual([
			{ field: 'event.id', before: null, after: '3' },
			{ field: 'event.title_az', before: null, after: 'Təlim' },
			{ field: 'event.title_en', before: null, after: '""' },
			{ field: 'attendance.FEMALE · UNKNOWN', before: null, after: '12' },
			{ field: 'attendance.MALE · UNKNOWN', before: null, after: '8' }
		]);
	});

	it('shows a grid edit cell by cell, including cells that went away', () => {
		const before = { cells: [{ sex: 'FEMALE', count: 3 }, { sex: 'MALE', count: 2 }] };
		const after = { cells: [{ sex: 'FEMALE', count: 5 }] };
		expect(auditChanges(before, after)).toEqual([
			{ field: 'cells.FEMALE', before: '3', after: '5' },
			{ field: 'cells.MALE', before: '2', after: null }
		]);
	});

	it('a removal lists what was there; lists of plain values read as one field', () => {
		expect(auditChanges({ name: 'Key', scopes: ['read', 'export'] }, null)).toEqual([
			{ field: 'name', before: 'Key', after: null },
			{ field: 'scopes', before: 'read, export', after: null }
		]);
		expect(auditChanges(null, null)).toEqual([]);
	});
});

import { describe, expect, it } from 'vitest';
import { conflictRows } from './conflict';
import type { OutboxEntry } from './outbox';

const entry = (steps: OutboxEntry['steps']): OutboxEntry => ({ id: 'x', seq: 1, owner: 'U', kind: 'k', summary: '', steps, status: 'conflict', attempts: 1, createdAt: 0, updatedAt: 0 });

describe('conflictRows', () => {
	it('compares each field the change sets, and each grid cell, with the current record', () => {
		const rows = conflictRows(
			entry([
				{ op: 'updateEvent', key: 'a', variables: { input: { id: 'E', version: 2, titleEn: 'Mine', capacity: 20 } } },
				{ op: 'recordAttendance', key: 'b', variables: { eventId: 'E', version: 0, cells: [{ sex: 'MALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 4 }] } }
			]),
			{ version: 3, titleEn: 'Theirs', capacity: null, attendance: { cells: [{ sex: 'FEMALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 7 }] } }
		);
		expect(rows).toEqual([
			{ field: 'titleEn', mine: 'Mine', current: 'Theirs' },
			{ field: 'capacity', mine: '20', current: '—' },
			{ field: 'cell:GENERAL|UNKNOWN|MALE|UNKNOWN', mine: '4', current: '—' },
			{ field: 'cell:GENERAL|UNKNOWN|FEMALE|UNKNOWN', mine: '—', current: '7' }
		]);
	});
	it('compares service counts cell by cell within the period', () => {
		const rows = conflictRows(
			entry([{ op: 'setServiceCounts', key: 'a', variables: { input: { projectId: 'P', periodStart: '2021-03-01', periodEnd: '2021-03-31', counts: [{ supportType: 'LEGAL', stage: 'RECEIVED', unit: 'PERSONS', value: 9, version: 1 }] } } }]),
			{ serviceCounts: [{ version: 2, periodStart: '2021-03-01', periodEnd: '2021-03-31', supportType: 'LEGAL', channel: null, stage: 'RECEIVED', unit: 'PERSONS', sex: null, ageBand: null, category: null, value: 12, centre: null }] }
		);
		expect(rows).toEqual([{ field: 'LEGAL||RECEIVED|PERSONS||||', mine: '9', current: '12' }]);
	});
});

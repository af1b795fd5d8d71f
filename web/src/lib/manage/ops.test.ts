import { describe, expect, it } from 'vitest';
import { print } from '@0no-co/graphql.web';
import { countKey, countVersions, OPS, rebase, targetId, withCountVersions, type StoredCount } from './ops';
import type { Step } from './outbox';

describe('the operation registry', () => {
	it('aliases every payload as result and asks for userErrors and replayed', () => {
		for (const [name, spec] of Object.entries(OPS)) {
			const text = print(spec.document).replace(/\s+/g, ' ');
			expect(text).toMatch(new RegExp(`result: ${name}\\( ?idempotencyKey: \\$idempotencyKey`));
			expect(text).toContain('userErrors { field code message } replayed');
			expect(text).toContain(`${spec.object} {`);
		}
	});
});

describe('rebase', () => {
	const step = (op: string, variables: Record<string, unknown>, done = false): Step => ({ op, key: 'k', variables, done });

	it('puts the current version on the first unsent step and keeps the rest chained', () => {
		const steps = [
			step('updateEvent', { input: { id: 'E', version: 3, titleEn: 'mine' } }),
			{ ...step('recordAttendance', { eventId: 'E', version: 0, cells: [] }), versionFromPrevious: 'version' }
		];
		const out = rebase(steps, { id: 'E', version: 7 });
		expect(out[0].variables).toEqual({ input: { id: 'E', version: 7, titleEn: 'mine' } });
		expect(out[1].versionFromPrevious).toBe('version');
		// Top-level versions (report decisions) too.
		expect(rebase([step('approveReport', { id: 'R', version: 1, comment: null })], { version: 2 })[0].variables.version).toBe(2);
		// Steps already sent are not sent again.
		expect(rebase([step('updateEvent', { input: { version: 1 } }, true), step('recordAttendance', { eventId: 'E', version: 2, cells: [] })], { version: 9 })).toHaveLength(1);
	});

	it('re-reads each service count\u2019s version by its cell, and drops versions of cells not stored', () => {
		const stored: StoredCount[] = [
			{ version: 4, periodStart: '2021-03-01', periodEnd: '2021-03-31', supportType: 'LEGAL', channel: 'WALK_IN', stage: 'RECEIVED', unit: 'PERSONS', sex: null, ageBand: null, category: null, value: 12, centre: null },
			{ version: 9, periodStart: '2021-04-01', periodEnd: '2021-04-30', supportType: 'LEGAL', channel: 'WALK_IN', stage: 'RECEIVED', unit: 'PERSONS', sex: null, ageBand: null, category: null, value: 3, centre: null }
		];
		const versions = countVersions(stored, '2021-03-01', '2021-03-31', null);
		expect([...versions.values()]).toEqual([4]);
		const counts = [
			{ supportType: 'LEGAL', channel: 'WALK_IN', stage: 'RECEIVED', unit: 'PERSONS', value: 15, version: 3 },
			{ supportType: 'BUSINESS', channel: 'WALK_IN', stage: 'RECEIVED', unit: 'PERSONS', value: 2, version: 1 }
		];
		expect(withCountVersions(counts, versions)).toEqual([
			{ supportType: 'LEGAL', channel: 'WALK_IN', stage: 'RECEIVED', unit: 'PERSONS', value: 15, version: 4 },
			{ supportType: 'BUSINESS', channel: 'WALK_IN', stage: 'RECEIVED', unit: 'PERSONS', value: 2 }
		]);
		const out = rebase([step('setServiceCounts', { input: { projectId: 'P', periodStart: '2021-03-01', periodEnd: '2021-03-31', counts } })], { serviceCounts: stored });
		expect((out[0].variables.input as { counts: { version?: number }[] }).counts.map((c) => c.version)).toEqual([4, undefined]);
		expect(countKey(counts[0])).toBe('LEGAL|WALK_IN|RECEIVED|PERSONS||||');
	});

	it('finds the record a step changes', () => {
		expect(targetId(step('updateEvent', { input: { id: 'E' } }))).toBe('E');
		expect(targetId(step('addAttendance', { eventId: 'E2' }))).toBe('E2');
		expect(targetId(step('approveReport', { id: 'R' }))).toBe('R');
		expect(targetId(step('setServiceCounts', { input: { projectId: 'P' } }))).toBe('P');
	});
});

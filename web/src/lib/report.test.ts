import { describe, expect, it } from 'vitest';
import { datedUpdates, Footnotes, resultsByYear, type ReportEvent } from './report';

const ev = (id: string, startDate: string | null, value: number | null, protection = 'EXACT', status = 'HELD'): ReportEvent => ({
	id,
	title: `Event ${id}`,
	startDate,
	status,
	kind: 'TRAINING',
	attendance: { total: { value, suppressed: value == null, protection: (value == null ? 'WITHHELD' : protection) as never } },
	source: { id: `S${id}` }
});

describe('the donor report', () => {
	it('numbers sources in the order they are first cited', () => {
		const f = new Footnotes([{ id: 'A', title: 'Annual report', publisher: 'UNDP', publishedOn: '2021-10-01', reference: 'https://example.org/a' }]);
		expect(f.cite({ id: 'B' })).toBe(1);
		expect(f.cite({ id: 'A' })).toBe(2);
		expect(f.cite({ id: 'B' })).toBe(1);
		expect(f.cite(null)).toBeNull();
		expect(f.list().map((s) => [s.n, s.id, s.title])).toEqual([
			[1, 'B', 'B'],
			[2, 'A', 'Annual report']
		]);
	});

	it('sums each year keeping the protection marks: ≈ when any part is perturbed, a lower bound when any is withheld', () => {
		const rows = resultsByYear(
			[ev('1', '2021-03-01', 10, 'PERTURBED'), ev('2', '2021-09-09', 20), ev('3', '2022-01-01', null), ev('4', '2022-02-02', 5), ev('5', null, 99), ev('6', '2022-05-05', 7, 'EXACT', 'PLANNED')],
			[
				{ periodStart: '2021-11-01', periodEnd: '2021-11-30', stage: 'RECEIVED', unit: 'PERSONS', value: 40, suppressed: false, protection: 'EXACT' },
				{ periodStart: '2021-12-01', periodEnd: '2022-01-31', stage: 'RECEIVED', unit: 'PERSONS', value: 1000, suppressed: false, protection: 'EXACT' }
			]
		);
		expect(rows.map((r) => [r.year, r.eventsHeld, r.participants?.value, r.participants?.protection, r.participants?.complete])).toEqual([
			['2021', 2, 30, 'PERTURBED', true],
			['2022', 2, 5, 'EXACT', false]
		]);
		expect(rows[0].services).toEqual([{ stage: 'RECEIVED', unit: 'PERSONS', total: expect.objectContaining({ value: 40 }) }]);
		expect(rows[1].services).toEqual([]);
	});

	it('lists dated updates newest first and leaves undated steps out', () => {
		const u = datedUpdates({
			centres: [{ name: 'Füzuli CRC', milestones: [{ status: 'OPENED', reachedOn: '2021-10-13' }, { status: 'EQUIPPED', reachedOn: null }] }],
			works: [{ title: 'Road', statusHistory: [{ status: 'COMPLETED', changedOn: '2021-12-01', progressPercent: 100 }] }],
			events: [ev('1', '2021-09-15', 5), ev('2', '2021-11-01', 5, 'EXACT', 'PLANNED')]
		});
		expect(u.map((x) => [x.date, x.kind, x.subject])).toEqual([
			['2021-12-01', 'work', 'Road'],
			['2021-10-13', 'milestone', 'Füzuli CRC'],
			['2021-09-15', 'event', 'Event 1']
		]);
	});
});

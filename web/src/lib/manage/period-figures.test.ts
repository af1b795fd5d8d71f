import { describe, expect, it } from 'vitest';
import { periodFigures } from './period-figures';

const ev = (startDate: string | null, status: string, value: number | null) => ({ startDate, status, attendance: { total: { value } } });

describe("a reporting period's figures", () => {
	it('counts the events that start in the period, their participants and the service counts of its months', () => {
		const f = periodFigures(
			{
				events: [ev('2021-01-01', 'HELD', 12), ev('2021-12-31', 'HELD', 8), ev('2021-06-01', 'PLANNED', null), ev('2022-01-01', 'HELD', 99), ev(null, 'HELD', 5), ev('2021-03-03', 'CANCELLED', 4)],
				serviceCounts: [
					{ periodStart: '2021-11-01', periodEnd: '2021-11-30', stage: 'RECEIVED', unit: 'PERSONS', value: 40 },
					{ periodStart: '2021-12-01', periodEnd: '2021-12-31', stage: 'RECEIVED', unit: 'PERSONS', value: 2 },
					{ periodStart: '2021-12-01', periodEnd: '2021-12-31', stage: 'RESOLVED', unit: 'APPEALS', value: 7 },
					{ periodStart: '2021-12-01', periodEnd: '2022-01-31', stage: 'RECEIVED', unit: 'PERSONS', value: 1000 },
					{ periodStart: '2020-12-01', periodEnd: '2020-12-31', stage: 'RECEIVED', unit: 'PERSONS', value: 1000 }
				]
			},
			'2021-01-01',
			'2021-12-31'
		);
		expect(f).toEqual({
			events: 4,
			held: 2,
			cancelled: 1,
			attendance: 20,
			attendanceUnknown: 1,
			undated: 1,
			services: [
				{ stage: 'RECEIVED', unit: 'PERSONS', value: 42, rows: 2 },
				{ stage: 'RESOLVED', unit: 'APPEALS', value: 7, rows: 1 }
			]
		});
	});
	it('an empty period is all zeros', () => {
		expect(periodFigures({ events: [], serviceCounts: [] }, '2019-01-01', '2019-12-31')).toMatchObject({ events: 0, attendance: 0, services: [] });
	});
});

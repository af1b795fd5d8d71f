import { describe, expect, it } from 'vitest';
import { addSteps, checkForm, createSteps, editSteps, emptyForm, formFromEvent, type EventRecord } from './event-form';
import { attendanceKey } from './grid';

const msg = { required: 'req', date: 'date', endBeforeStart: 'order', notWhole: 'whole', gridInvalid: 'grid', capacity: 'cap' };
const k = (sex: string, ageBand: string, category = 'GENERAL') => attendanceKey({ sex, ageBand, disability: 'UNKNOWN', category } as never);

const stored: EventRecord = {
	id: 'E1',
	version: 3,
	kind: 'TRAINING',
	status: 'HELD',
	startDate: '2021-08-01',
	endDate: null,
	capacity: 30,
	titleAz: 'Təlim',
	titleEn: 'Training',
	topicsAz: null,
	topicsEn: null,
	centre: null,
	attendance: { cells: [{ sex: 'FEMALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 15 }] }
};

describe('the event form', () => {
	it('checks titles, date order, capacity and the grid before queueing', () => {
		const f = { ...emptyForm(), startDate: '2021-09-02', endDate: '2021-09-01', capacity: '2', text: { [k('FEMALE', 'AGE_18_TO_24')]: '3' } };
		expect(checkForm(f, msg)).toEqual({ titleAz: ['req'], titleEn: ['req'], endDate: ['order'], grid: ['cap'] });
		expect(checkForm({ ...f, titleAz: 'a', titleEn: 'b', endDate: '', capacity: '', text: { [k('FEMALE', 'AGE_18_TO_24')]: '-1' } }, msg)).toEqual({ grid: ['grid'] });
		expect(checkForm({ ...f, titleAz: 'a', titleEn: 'b', endDate: '', capacity: '0' }, msg).capacity).toEqual(['whole']);
	});

	it('takes a title in one language only, and refuses dates that are not dates', () => {
		const f = { ...emptyForm(), titleAz: 'Yalnız azərbaycanca' };
		expect(checkForm(f, msg)).toEqual({});
		expect(checkForm({ ...emptyForm(), titleEn: 'English only' }, msg)).toEqual({});
		expect(checkForm({ ...f, startDate: '31.02.2021', endDate: '2021-01-01' }, msg)).toEqual({ startDate: ['date'] });
		const { steps } = createSteps('P1', f);
		expect(steps[0].variables.input).toMatchObject({ titleAz: 'Yalnız azərbaycanca', titleEn: '' });
	});

	it('reads a title given in the other language only as an empty field, not as this language', () => {
		const oneLang = { ...stored, titleAz: 'Training', titleAzLang: 'EN', titleEnLang: 'EN' };
		const f = formFromEvent(oneLang);
		expect([f.titleAz, f.titleEn]).toEqual(['', 'Training']);
		expect(editSteps(oneLang, f).steps).toEqual([]);
	});

	it('creates an event and its grid in one mutation, leaving blanks out', () => {
		const f = { ...emptyForm(), titleAz: ' Təlim ', titleEn: 'Training', capacity: '20', startDate: '2021-08-01', text: { [k('MALE', 'AGE_25_TO_59')]: '4', [k('FEMALE', 'AGE_18_TO_24')]: '2' } };
		const { steps, sentKeys } = createSteps('P1', f);
		expect(steps).toHaveLength(1);
		expect(steps[0].op).toBe('createEvent');
		const input = steps[0].variables.input as Record<string, unknown>;
		expect(input).toMatchObject({ projectId: 'P1', titleAz: 'Təlim', capacity: 20, startDate: '2021-08-01' });
		expect(input).not.toHaveProperty('endDate');
		expect(input.attendance).toHaveLength(2);
		expect(sentKeys).toEqual([k('FEMALE', 'AGE_18_TO_24'), k('MALE', 'AGE_25_TO_59')]);
	});

	it('edits only what changed, fields and grid in one mutation on the version loaded', () => {
		const f = formFromEvent(stored);
		expect(editSteps(stored, f).steps).toEqual([]);
		const titleOnly = editSteps(stored, { ...f, titleEn: 'Leadership training' }).steps;
		expect(titleOnly).toEqual([{ op: 'updateEvent', variables: { input: { id: 'E1', version: 3, titleEn: 'Leadership training' } } }]);
		const both = editSteps(stored, { ...f, titleEn: 'x', text: { ...f.text, [k('FEMALE', 'UNKNOWN')]: '16' } }).steps;
		expect(both).toHaveLength(1);
		expect(both[0].variables.input).toEqual({ id: 'E1', version: 3, titleEn: 'x', attendance: [{ sex: 'FEMALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 16 }] });
	});

	it('adds only positive counts when several people enter one event', () => {
		const { steps } = addSteps('E1', { sexes: ['FEMALE', 'MALE'], ageBands: ['UNKNOWN'], disabilities: ['UNKNOWN'], categories: ['GENERAL'] }, { [k('FEMALE', 'UNKNOWN')]: '2', [k('MALE', 'UNKNOWN')]: '0' });
		expect(steps[0]).toEqual({ op: 'addAttendance', variables: { eventId: 'E1', cells: [{ sex: 'FEMALE', ageBand: 'UNKNOWN', disability: 'UNKNOWN', category: 'GENERAL', count: 2 }] } });
	});
});

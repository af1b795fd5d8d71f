/**
 * The write operations data entry sends, by name: each one's GraphQL
 * document (payload aliased `result`), the payload field holding the object,
 * and how a change refused with CONFLICT is re-applied on the current record
 * (`rebase`). Outbox entries store only the operation name and variables, so
 * an entry written by an older page still finds its document here.
 */

import type { TadaDocumentNode } from 'gql.tada';
import type { Step } from './outbox';
import * as D from './documents';

/** One operation of the registry. */
export interface OpSpec {
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	document: TadaDocumentNode<any, any>;
	/** The payload field that holds the changed object. */
	object: string;
	/** True when the operation carries a `version` that CONFLICT refers to. */
	versioned: boolean;
}

const spec = (document: OpSpec['document'], object: string, versioned: boolean): OpSpec => ({ document, object, versioned });

export const OPS = {
	createEvent: spec(D.CREATE_EVENT, 'event', false),
	updateEvent: spec(D.UPDATE_EVENT, 'event', true),
	cancelEvent: spec(D.CANCEL_EVENT, 'event', true),
	recordAttendance: spec(D.RECORD_ATTENDANCE, 'event', true),
	addAttendance: spec(D.ADD_ATTENDANCE, 'event', false),
	updateWorkStatus: spec(D.UPDATE_WORK_STATUS, 'infrastructureWork', true),
	recordCentreMilestone: spec(D.RECORD_CENTRE_MILESTONE, 'centre', true),
	setServiceCounts: spec(D.SET_SERVICE_COUNTS, 'project', true),
	submitReport: spec(D.SUBMIT_REPORT, 'report', false),
	returnReport: spec(D.RETURN_REPORT, 'report', true),
	approveReport: spec(D.APPROVE_REPORT, 'report', true),
	reopenReport: spec(D.REOPEN_REPORT, 'report', true),
	createOrganisation: spec(D.CREATE_ORGANISATION, 'organisation', false),
	updateOrganisation: spec(D.UPDATE_ORGANISATION, 'organisation', true),
	// An update is new each time; a narrative's CONFLICT (another hand wrote
	// the period meanwhile) is answered as a refusal naming `version`.
	postProgrammeUpdate: spec(D.POST_PROGRAMME_UPDATE, 'update', false),
	// Editing or archiving a posted update: a CONFLICT (someone changed it
	// meanwhile) is a refusal naming `version`; the list shows the current text.
	editProgrammeUpdate: spec(D.EDIT_PROGRAMME_UPDATE, 'update', false),
	archiveProgrammeUpdate: spec(D.ARCHIVE_PROGRAMME_UPDATE, 'update', false),
	setPeriodNarrative: spec(D.SET_PERIOD_NARRATIVE, 'narrative', false),
	setPeriodFinance: spec(D.SET_PERIOD_FINANCE, 'finance', false)
} satisfies Record<string, OpSpec>;

export type OpName = keyof typeof OPS;

export function opSpec(name: string): OpSpec | undefined {
	return (OPS as Record<string, OpSpec>)[name];
}

// ---- Re-applying a change on the current record --------------------------------

/** A service-count cell's coordinates, as stored and as sent. */
interface CountCoord {
	supportType?: string | null;
	channel?: string | null;
	stage: string;
	unit: string;
	sex?: string | null;
	ageBand?: string | null;
	disability?: string | null;
	category?: string | null;
}

/** Coordinates of a service count (a disability the API does not return is taken as not broken down). */
export function countKey(c: CountCoord): string {
	return [c.supportType ?? '', c.channel ?? '', c.stage, c.unit, c.sex ?? '', c.ageBand ?? '', c.disability ?? '', c.category ?? ''].join('|');
}

/** A stored service count, as `Project.serviceCounts` returns it. */
export interface StoredCount extends CountCoord {
	version: number;
	periodStart: string | null;
	periodEnd: string | null;
	value: number | null;
	centre: { id: string } | null;
}

/**
 * The version each cell of a period currently has, so new values replace the
 * stored ones (and cells that are new carry no version).
 */
export function countVersions(stored: readonly StoredCount[], periodStart: string, periodEnd: string, centreId: string | null): Map<string, number> {
	const out = new Map<string, number>();
	for (const s of stored) {
		if (s.periodStart !== periodStart || s.periodEnd !== periodEnd) continue;
		if ((s.centre?.id ?? null) !== (centreId ?? null)) continue;
		out.set(countKey(s), s.version);
	}
	return out;
}

/** Sets each count's `version` from the stored cells (removing it for cells not stored yet). */
export function withCountVersions<T extends CountCoord & { version?: number | null }>(counts: readonly T[], versions: Map<string, number>): T[] {
	return counts.map((c) => {
		const v = versions.get(countKey(c));
		const { version: _old, ...rest } = c;
		return (v === undefined ? rest : { ...rest, version: v }) as T;
	});
}

/**
 * The steps of a conflicting entry re-applied on the current record: the
 * same change, based on the version the server has now. `current` is the
 * record as just read (an object with `version`, or for service counts the
 * project with its `serviceCounts`).
 */
export function rebase(steps: readonly Step[], current: unknown): { op: string; variables: Record<string, unknown>; versionFromPrevious?: string }[] {
	const pending = steps.filter((s) => !s.done);
	return pending.map((s, i) => {
		const vars = structuredClone(s.variables);
		if (s.op === 'setServiceCounts') {
			const input = vars.input as { periodStart: string; periodEnd: string; centreId?: string | null; counts: (CountCoord & { version?: number | null })[] };
			const stored = ((current as { serviceCounts?: StoredCount[] })?.serviceCounts ?? []) as StoredCount[];
			input.counts = withCountVersions(input.counts, countVersions(stored, input.periodStart, input.periodEnd, input.centreId ?? null));
			return { op: s.op, variables: vars };
		}
		const version = (current as { version?: number })?.version;
		// The first pending step is based on the current record; later ones on what it returns.
		if (i === 0 && typeof version === 'number') {
			if (vars.input && typeof vars.input === 'object' && 'version' in (vars.input as object)) (vars.input as { version: number }).version = version;
			else if ('version' in vars) vars.version = version;
			return { op: s.op, variables: vars };
		}
		return { op: s.op, variables: vars, versionFromPrevious: s.versionFromPrevious };
	});
}

/** The id of the record a step changes (for reading its current state). */
export function targetId(step: Step): string | undefined {
	const v = step.variables as { id?: string; eventId?: string; input?: { id?: string; projectId?: string } };
	return v.input?.id ?? v.eventId ?? v.id ?? v.input?.projectId;
}

/**
 * What a form does on save: queue the change (or, when fixing a refused
 * entry, replace its steps), start sending, and wait a moment for the answer
 * so the form can show "saved", the server's field errors, or the conflict;
 * with no connection it says the change is kept on this device.
 */

import { manage } from './manage.svelte';
import type { NewStep, OutboxEntry } from './outbox';

export type SubmitOutcome =
	| { state: 'sent'; entry: OutboxEntry }
	| { state: 'refused'; entry: OutboxEntry }
	| { state: 'conflict'; entry: OutboxEntry }
	| { state: 'queued'; entry: OutboxEntry; reason: 'offline' | 'login' };

export interface SubmitRequest {
	/** When set, the refused entry being fixed. */
	entryId?: string;
	kind: string;
	summary: string;
	fixPath: string;
	form: unknown;
	steps: NewStep[];
	waitMs?: number;
}

export async function submitEntry(r: SubmitRequest): Promise<SubmitOutcome> {
	let id: string;
	const existing = r.entryId ? await manage.outbox.get(r.entryId) : undefined;
	if (existing && (existing.status === 'refused' || existing.status === 'conflict')) {
		await manage.outbox.fix(existing.id, r.steps, r.form, r.summary);
		manage.kick();
		id = existing.id;
	} else {
		id = (await manage.queue({ kind: r.kind, summary: r.summary, fixPath: r.fixPath, form: r.form, steps: r.steps })).id;
	}
	const entry = (await manage.waitFor(id, r.waitMs ?? 15_000)) ?? (await manage.outbox.get(id));
	if (!entry) throw new Error('the entry vanished from the outbox');
	if (entry.status === 'sent') return { state: 'sent', entry };
	if (entry.status === 'refused') return { state: 'refused', entry };
	if (entry.status === 'conflict') return { state: 'conflict', entry };
	return { state: 'queued', entry, reason: manage.needsLogin || !manage.session ? 'login' : 'offline' };
}

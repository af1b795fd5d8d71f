/**
 * The outbox: every change a manager or admin makes is first written here,
 * with its idempotency key, and only then sent. Owns the entry format, the
 * order of sending, what each answer does to an entry, and the rule that only
 * one sender runs at a time (through a lock the browser layer backs with the
 * Web Locks API, so two tabs never send one entry twice).
 *
 * Exactly once rests on two things: the key is stored before the first
 * attempt and every retry of a step reuses it (the API answers a repeated key
 * with the stored outcome), and a step is marked done only after the server's
 * answer was read. An entry is one user action; an action that needs two
 * mutations (edit an event and replace its grid) is one entry of two steps,
 * each with its own key, resumed at the first step not yet done.
 *
 * Framework-free: storage, lock, clock and transport are injected, so the
 * same code runs in the page and in unit tests.
 */

import type { UserError } from './codes';

/** What the server's answer to one step means for the entry. */
export type SendResult =
	/** Stored (or, with `replayed`, stored before and answered from the stored outcome). */
	| { kind: 'ok'; object: unknown; replayed: boolean }
	/** The server refused the input (`userErrors`); nothing was written. */
	| { kind: 'refused'; errors: UserError[] }
	/** The record changed since it was read (`CONFLICT`); nothing was written. */
	| { kind: 'conflict'; errors: UserError[] }
	/** The token is missing, expired or refused: log in again, keep the entry. */
	| { kind: 'auth'; message: string }
	/** No answer (offline, dropped, 5xx, rate limit): try again later with the same key. */
	| { kind: 'retry'; message: string }
	/** The request itself was refused (a GraphQL error): not worth retrying unchanged. */
	| { kind: 'failed'; message: string };

/** One mutation of an entry. */
export interface Step {
	/** Operation name from the registry in `ops.ts`. */
	op: string;
	/** Idempotency key, chosen when the step is written, reused by every retry. */
	key: string;
	/** Variables other than `idempotencyKey`. */
	variables: Record<string, unknown>;
	/**
	 * When set, `variables.version` is taken from the previous step's answer at
	 * this dotted path (e.g. `event.version`) just before sending.
	 */
	versionFromPrevious?: string;
	done?: boolean;
	/** The object the server returned for this step. */
	result?: unknown;
	replayed?: boolean;
}

export type EntryStatus = 'waiting' | 'sending' | 'sent' | 'refused' | 'conflict' | 'discarded';

/** One user action waiting to be sent, sent, or refused. */
export interface OutboxEntry {
	id: string;
	/** Order of sending: entries go out by `seq`, oldest first. */
	seq: number;
	/** The user (global ID) who made the change; only their session sends it. */
	owner: string;
	/** Their email, to say whose log-in an entry waits for. */
	ownerEmail?: string;
	/** What it is, for lists and for reopening the right form (e.g. `event.create`). */
	kind: string;
	/** Short human description (title, period…), written when queued. */
	summary: string;
	/** Where to reopen the form to fix it (a path under /manage without the language). */
	fixPath?: string;
	/** The form's own state, to reopen it with what was typed. */
	form?: unknown;
	steps: Step[];
	status: EntryStatus;
	attempts: number;
	createdAt: number;
	updatedAt: number;
	sentAt?: number;
	lastError?: string;
	/** Problems the server named, for `refused` and `conflict`. */
	errors?: UserError[];
	/** Index of the step the server refused. */
	errorStep?: number;
}

/** Key-value storage of entries (IndexedDB in the browser). */
export interface OutboxStore {
	get(id: string): Promise<OutboxEntry | undefined>;
	set(id: string, entry: OutboxEntry): Promise<void>;
	/** Read-modify-write of one entry in one storage transaction. */
	update(id: string, fn: (old: OutboxEntry | undefined) => OutboxEntry | undefined): Promise<void>;
	del(id: string): Promise<void>;
	values(): Promise<OutboxEntry[]>;
}

/** Runs `fn` while holding the outbox lock; callers queue behind each other. */
export type WithLock = <T>(fn: () => Promise<T>) => Promise<T>;

/** The logged-in session, as far as the outbox needs it. */
export interface SessionInfo {
	token: string;
	userId: string;
	/** Expiry in ms since the epoch. */
	expiresAt: number;
}

/** How a flush ended. */
export interface FlushReport {
	sent: number;
	refused: number;
	/** True when an entry is waiting for a connection (retry later). */
	retryLater: boolean;
	/** True when entries wait for the user to log in (again). */
	needsLogin: boolean;
	/** True when the server refused the token (it expired or the account was deactivated). */
	tokenRefused: boolean;
	/** True when entries of another account wait for that person to log in. */
	othersWaiting: boolean;
}

export interface OutboxDeps {
	store: OutboxStore;
	withLock: WithLock;
	send: (step: Step, token: string) => Promise<SendResult>;
	session: () => SessionInfo | null;
	now?: () => number;
	newId?: () => string;
	/** Called after every change to the stored entries. */
	onChange?: () => void;
}

/** Sent entries older than this are pruned from the list. */
const KEEP_SENT_MS = 7 * 24 * 3600 * 1000;
/** At most this many sent entries are kept for display. */
const KEEP_SENT_COUNT = 200;

function randomId(): string {
	const c: Crypto = globalThis.crypto;
	if (typeof c.randomUUID === 'function') return c.randomUUID();
	const b = new Uint8Array(16);
	c.getRandomValues(b);
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function at(obj: unknown, path: string): unknown {
	return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/** A step of a new entry: its key is chosen here, once. */
export interface NewStep {
	op: string;
	variables: Record<string, unknown>;
	versionFromPrevious?: string;
}

export interface NewEntry {
	owner: string;
	ownerEmail?: string;
	kind: string;
	summary: string;
	fixPath?: string;
	form?: unknown;
	steps: NewStep[];
}

export class Outbox {
	private readonly d: Required<Omit<OutboxDeps, 'onChange'>> & Pick<OutboxDeps, 'onChange'>;
	private lastSeq = 0;

	constructor(deps: OutboxDeps) {
		this.d = { now: () => Date.now(), newId: randomId, ...deps };
	}

	private changed() {
		this.d.onChange?.();
	}

	private nextSeq(): number {
		// Time-based so entries queued in two tabs still interleave by when they were made.
		const t = this.d.now() * 1000;
		this.lastSeq = Math.max(t, this.lastSeq + 1);
		return this.lastSeq;
	}

	private makeSteps(steps: NewStep[]): Step[] {
		return steps.map((s) => ({ ...s, key: this.d.newId() }));
	}

	/** Queues an action; its keys are stored before anything is sent. */
	async add(e: NewEntry): Promise<OutboxEntry> {
		const now = this.d.now();
		const entry: OutboxEntry = {
			id: this.d.newId(),
			seq: this.nextSeq(),
			owner: e.owner,
			ownerEmail: e.ownerEmail,
			kind: e.kind,
			summary: e.summary,
			fixPath: e.fixPath,
			form: e.form,
			steps: this.makeSteps(e.steps),
			status: 'waiting',
			attempts: 0,
			createdAt: now,
			updatedAt: now
		};
		await this.d.store.set(entry.id, entry);
		this.changed();
		return entry;
	}

	/** All entries, oldest first. */
	async list(): Promise<OutboxEntry[]> {
		const all = await this.d.store.values();
		return all.filter((e) => e.status !== 'discarded').sort((a, b) => a.seq - b.seq);
	}

	async get(id: string): Promise<OutboxEntry | undefined> {
		return this.d.store.get(id);
	}

	/**
	 * Replaces a refused or conflicting entry's unsent steps with corrected
	 * ones (new keys: the request changed) and queues it again in its place.
	 */
	async fix(id: string, steps: NewStep[], form?: unknown, summary?: string): Promise<void> {
		await this.d.store.update(id, (old) => {
			if (!old || (old.status !== 'refused' && old.status !== 'conflict')) return old;
			const done = old.steps.filter((s) => s.done);
			return {
				...old,
				steps: [...done, ...this.makeSteps(steps)],
				form: form ?? old.form,
				summary: summary ?? old.summary,
				status: 'waiting',
				errors: undefined,
				errorStep: undefined,
				lastError: undefined,
				updatedAt: this.d.now()
			};
		});
		this.changed();
	}

	/** Sends a refused entry again unchanged (e.g. after an admin reopened its period). */
	async resend(id: string): Promise<void> {
		await this.d.store.update(id, (old) =>
			old && (old.status === 'refused' || old.status === 'conflict')
				? { ...old, status: 'waiting', errors: undefined, errorStep: undefined, lastError: undefined, updatedAt: this.d.now() }
				: old
		);
		this.changed();
	}

	/** Drops an entry that was not sent (refused, conflicting, or still waiting). */
	async discard(id: string): Promise<void> {
		await this.d.store.update(id, (old) => (old && old.status !== 'sent' && old.status !== 'sending' ? { ...old, status: 'discarded', updatedAt: this.d.now() } : old));
		this.changed();
	}

	private async patch(id: string, fn: (e: OutboxEntry) => OutboxEntry): Promise<OutboxEntry | undefined> {
		let out: OutboxEntry | undefined;
		await this.d.store.update(id, (old) => (old ? (out = fn(old)) : old));
		this.changed();
		return out;
	}

	/** Removes old sent and discarded entries. */
	private async prune(): Promise<void> {
		const all = (await this.d.store.values()).sort((a, b) => b.seq - a.seq);
		const cutoff = this.d.now() - KEEP_SENT_MS;
		let kept = 0;
		for (const e of all) {
			if (e.status === 'discarded' || (e.status === 'sent' && (++kept > KEEP_SENT_COUNT || (e.sentAt ?? 0) < cutoff))) {
				await this.d.store.del(e.id);
			}
		}
	}

	/**
	 * Sends what is waiting, in order, while holding the lock. Stops at the
	 * first entry that gets no answer (so later entries never overtake it) or
	 * when the session is missing or expired.
	 */
	flush(): Promise<FlushReport> {
		return this.d.withLock(() => this.flushLocked());
	}

	private async flushLocked(): Promise<FlushReport> {
		const report: FlushReport = { sent: 0, refused: 0, retryLater: false, needsLogin: false, tokenRefused: false, othersWaiting: false };
		for (;;) {
			// Re-read every round: another tab may have queued or fixed entries meanwhile.
			const pending = (await this.d.store.values())
				.filter((e) => e.status === 'waiting' || e.status === 'sending')
				.sort((a, b) => a.seq - b.seq);
			const session = this.d.session();
			if (pending.length === 0) break;
			if (!session || session.expiresAt <= this.d.now()) {
				report.needsLogin = true;
				break;
			}
			const next = pending.find((e) => e.owner === session.userId);
			if (!next) {
				// Everything left belongs to another account: it waits for that person to log in.
				report.othersWaiting = true;
				break;
			}
			const outcome = await this.sendEntry(next, session);
			if (outcome === 'sent') report.sent += 1;
			else if (outcome === 'refused') report.refused += 1;
			else if (outcome === 'auth') {
				report.needsLogin = true;
				report.tokenRefused = true;
				break;
			} else {
				report.retryLater = true;
				break;
			}
		}
		await this.prune();
		return report;
	}

	private async sendEntry(entry: OutboxEntry, session: SessionInfo): Promise<'sent' | 'refused' | 'auth' | 'retry'> {
		const marked = await this.patch(entry.id, (e) => ({ ...e, status: 'sending', attempts: e.attempts + 1, updatedAt: this.d.now() }));
		if (!marked) return 'refused';
		let current = marked;
		for (let i = 0; i < current.steps.length; i++) {
			const step = current.steps[i];
			if (step.done) continue;
			let toSend = step;
			if (step.versionFromPrevious && i > 0) {
				const v = at(current.steps[i - 1].result, step.versionFromPrevious);
				if (typeof v === 'number') toSend = { ...step, variables: { ...step.variables, version: v } };
			}
			let result: SendResult;
			try {
				result = await this.d.send(toSend, session.token);
			} catch (err) {
				result = { kind: 'retry', message: err instanceof Error ? err.message : String(err) };
			}
			const now = this.d.now();
			switch (result.kind) {
				case 'ok': {
					const updated = await this.patch(entry.id, (e) => {
						const steps = e.steps.map((s, j) => (j === i ? { ...toSend, done: true, result: result.object, replayed: result.replayed } : s));
						const last = steps.every((s) => s.done);
						return { ...e, steps, status: last ? 'sent' : 'sending', sentAt: last ? now : undefined, lastError: undefined, updatedAt: now };
					});
					if (!updated) return 'refused';
					current = updated;
					break;
				}
				case 'refused':
				case 'conflict':
				case 'failed':
					await this.patch(entry.id, (e) => ({
						...e,
						status: result.kind === 'conflict' ? 'conflict' : 'refused',
						errors: result.kind === 'failed' ? [] : result.errors,
						lastError: result.kind === 'failed' ? result.message : undefined,
						errorStep: i,
						updatedAt: now
					}));
					return 'refused';
				case 'auth':
					await this.patch(entry.id, (e) => ({ ...e, status: 'waiting', lastError: result.message, updatedAt: now }));
					return 'auth';
				case 'retry':
					await this.patch(entry.id, (e) => ({ ...e, status: 'waiting', lastError: result.message, updatedAt: now }));
					return 'retry';
			}
		}
		return 'sent';
	}
}

/** The object of the last step that was sent (what a form shows after saving). */
export function lastResult(entry: OutboxEntry): unknown {
	for (let i = entry.steps.length - 1; i >= 0; i--) if (entry.steps[i].done) return entry.steps[i].result;
	return undefined;
}

/** A simple in-memory store (tests; browsers without IndexedDB keep the outbox for the page's life). */
export function memoryStore(): OutboxStore & { map: Map<string, OutboxEntry> } {
	const map = new Map<string, OutboxEntry>();
	const clone = <T>(v: T): T => (v === undefined ? v : structuredClone(v));
	return {
		map,
		async get(id) {
			return clone(map.get(id));
		},
		async set(id, e) {
			map.set(id, clone(e));
		},
		async update(id, fn) {
			const next = fn(clone(map.get(id)));
			if (next === undefined) map.delete(id);
			else map.set(id, clone(next));
		},
		async del(id) {
			map.delete(id);
		},
		async values() {
			return [...map.values()].map(clone);
		}
	};
}

/** A lock for one JavaScript realm: callers run one after another. */
export function localLock(): WithLock {
	let tail: Promise<unknown> = Promise.resolve();
	return <T>(fn: () => Promise<T>) => {
		const run = tail.then(fn, fn);
		tail = run.catch(() => undefined);
		return run;
	};
}

import { describe, expect, it } from 'vitest';
import { localLock, memoryStore, Outbox, type SendResult, type SessionInfo, type Step } from './outbox';
import { rebase } from './ops';

/**
 * A stand-in for the API's idempotency: the first request with a key is
 * stored, a repeat gets the stored outcome with `replayed`. It counts how
 * often each change was really applied, which is what exactly-once is about.
 */
function fakeServer() {
	const outcomes = new Map<string, SendResult>();
	const applied: string[] = [];
	const keysSeen: string[] = [];
	let version = 1;
	return {
		applied,
		keysSeen,
		get version() {
			return version;
		},
		set version(v: number) {
			version = v;
		},
		apply(step: Step): SendResult {
			keysSeen.push(step.key);
			const stored = outcomes.get(step.key);
			if (stored && stored.kind === 'ok') return { ...stored, replayed: true };
			const vars = step.variables as { version?: number; input?: { version?: number; titleEn?: string } };
			const sentVersion = vars.version ?? vars.input?.version;
			if (sentVersion !== undefined && sentVersion !== version) {
				return { kind: 'conflict', errors: [{ field: ['input', 'version'], code: 'CONFLICT', message: 'changed' }] };
			}
			if (vars.input?.titleEn === '') {
				return { kind: 'refused', errors: [{ field: ['input', 'titleEn'], code: 'REQUIRED', message: 'give the English title' }] };
			}
			if (sentVersion !== undefined) version += 1;
			applied.push(`${step.op}:${JSON.stringify(step.variables)}`);
			const ok: SendResult = { kind: 'ok', object: { id: 'E1', version }, replayed: false };
			outcomes.set(step.key, ok);
			return ok;
		}
	};
}

const session: SessionInfo = { token: 't', userId: 'U1', expiresAt: Date.now() + 600_000 };

function setup(opts: { session?: () => SessionInfo | null; send?: (s: Step) => Promise<SendResult> } = {}) {
	const store = memoryStore();
	const server = fakeServer();
	const send = opts.send ?? (async (s: Step) => server.apply(s));
	const outbox = new Outbox({ store, withLock: localLock(), send: (s) => send(s), session: opts.session ?? (() => session) });
	return { store, server, outbox };
}

const entry = (title: string, owner = 'U1') => ({
	owner,
	kind: 'event.create',
	summary: title,
	steps: [{ op: 'createEvent', variables: { input: { titleAz: title, titleEn: title } } }]
});

describe('the outbox', () => {
	it('stores the idempotency key before the first attempt', async () => {
		const store = memoryStore();
		let storedAtSend: string | undefined;
		const outbox = new Outbox({
			store,
			withLock: localLock(),
			session: () => session,
			send: async (s) => {
				const [e] = await store.values();
				storedAtSend = e.steps[0].key;
				expect(e.status).toBe('sending');
				return { kind: 'ok', object: {}, replayed: false };
			}
		});
		const queued = await outbox.add(entry('A'));
		expect((await store.get(queued.id))?.steps[0].key).toBe(queued.steps[0].key);
		await outbox.flush();
		expect(storedAtSend).toBe(queued.steps[0].key);
	});

	it('sends in the order entries were made and marks them sent', async () => {
		const { server, outbox } = setup();
		for (const t of ['first', 'second', 'third']) await outbox.add(entry(t));
		const report = await outbox.flush();
		expect(report).toEqual({ sent: 3, refused: 0, retryLater: false, needsLogin: false, tokenRefused: false, othersWaiting: false });
		expect(server.applied.map((a) => JSON.parse(a.slice('createEvent:'.length)).input.titleEn)).toEqual(['first', 'second', 'third']);
		expect((await outbox.list()).map((e) => e.status)).toEqual(['sent', 'sent', 'sent']);
	});

	it('retries a lost answer with the same key, so the change is stored once', async () => {
		let drops = 1;
		const { server, outbox } = setup({
			send: async (s) => {
				const r = server.apply(s);
				// The server stored it, but the answer never arrives.
				if (drops-- > 0) return { kind: 'retry', message: 'Failed to fetch' };
				return r;
			}
		});
		await outbox.add(entry('A'));
		await outbox.add(entry('B'));
		const first = await outbox.flush();
		expect(first.retryLater).toBe(true);
		// B did not overtake A.
		expect(server.keysSeen).toHaveLength(1);
		const second = await outbox.flush();
		expect(second.sent).toBe(2);
		expect(server.keysSeen[0]).toBe(server.keysSeen[1]);
		expect(server.applied).toHaveLength(2);
		const [a] = await outbox.list();
		expect(a.attempts).toBe(2);
		expect(a.steps[0].replayed).toBe(true);
	});

	it('never sends one entry twice from two tabs sharing the store and the lock', async () => {
		const store = memoryStore();
		const server = fakeServer();
		const lock = localLock();
		let calls = 0;
		const send = async (s: Step) => {
			calls += 1;
			await new Promise((r) => setTimeout(r, 5));
			return server.apply(s);
		};
		const tabA = new Outbox({ store, withLock: lock, send, session: () => session });
		const tabB = new Outbox({ store, withLock: lock, send, session: () => session });
		await tabA.add(entry('from A'));
		await tabB.add(entry('from B'));
		await Promise.all([tabA.flush(), tabB.flush(), tabA.flush(), tabB.flush()]);
		expect(calls).toBe(2);
		expect(server.applied).toHaveLength(2);
	});

	it('resends an entry a closed tab left half-sent, with its key', async () => {
		const { store, server, outbox } = setup();
		const e = await outbox.add(entry('A'));
		server.apply(e.steps[0]); // the closed tab's request reached the server
		await store.update(e.id, (old) => old && { ...old, status: 'sending', attempts: 1 });
		await outbox.flush();
		expect(server.applied).toHaveLength(1);
		expect((await outbox.get(e.id))?.status).toBe('sent');
	});

	it('keeps everything while the session is missing or expired, and sends after the next log-in', async () => {
		let current: SessionInfo | null = { ...session, expiresAt: Date.now() - 1 };
		const { server, outbox } = setup({ session: () => current });
		await outbox.add(entry('A'));
		expect(await outbox.flush()).toMatchObject({ sent: 0, needsLogin: true });
		current = null;
		expect(await outbox.flush()).toMatchObject({ sent: 0, needsLogin: true });
		expect(server.keysSeen).toHaveLength(0);
		current = session;
		expect(await outbox.flush()).toMatchObject({ sent: 1, needsLogin: false });
	});

	it('keeps an entry waiting when the server refuses the token', async () => {
		let refuse = true;
		const { server, outbox } = setup({ send: async (s) => (refuse ? { kind: 'auth', message: 'log in again' } : server.apply(s)) });
		const e = await outbox.add(entry('A'));
		expect(await outbox.flush()).toMatchObject({ needsLogin: true, tokenRefused: true });
		expect((await outbox.get(e.id))?.status).toBe('waiting');
		refuse = false;
		expect((await outbox.flush()).sent).toBe(1);
	});

	it('only sends the logged-in person\u2019s entries', async () => {
		const { server, outbox } = setup();
		await outbox.add(entry('theirs', 'U2'));
		await outbox.add(entry('mine', 'U1'));
		const r = await outbox.flush();
		expect(r.sent).toBe(1);
		expect(r.othersWaiting).toBe(true);
		expect(r.needsLogin).toBe(false);
		expect(server.applied[0]).toContain('mine');
	});

	it('marks a refused entry with the server\u2019s errors, goes on with the next, and sends the fix with a new key', async () => {
		const { server, outbox } = setup();
		const bad = await outbox.add({ ...entry('x'), steps: [{ op: 'createEvent', variables: { input: { titleAz: 'x', titleEn: '' } } }] });
		await outbox.add(entry('good'));
		const r = await outbox.flush();
		expect(r).toMatchObject({ sent: 1, refused: 1 });
		const refused = await outbox.get(bad.id);
		expect(refused?.status).toBe('refused');
		expect(refused?.errors?.[0]).toMatchObject({ field: ['input', 'titleEn'], code: 'REQUIRED' });
		await outbox.fix(bad.id, [{ op: 'createEvent', variables: { input: { titleAz: 'x', titleEn: 'x' } } }]);
		const fixed = await outbox.get(bad.id);
		expect(fixed?.status).toBe('waiting');
		expect(fixed?.steps[0].key).not.toBe(bad.steps[0].key);
		expect((await outbox.flush()).sent).toBe(1);
		expect(server.applied).toHaveLength(2);
	});

	it('sends a two-step edit with the second step based on the first one\u2019s version, resuming after a drop', async () => {
		let dropSecond = true;
		const { server, outbox } = setup({
			send: async (s) => {
				const r = server.apply(s);
				if (s.op === 'recordAttendance' && dropSecond) {
					dropSecond = false;
					return { kind: 'retry', message: 'dropped' };
				}
				return r;
			}
		});
		const e = await outbox.add({
			owner: 'U1',
			kind: 'event.edit',
			summary: 'edit',
			steps: [
				{ op: 'updateEvent', variables: { input: { id: 'E1', version: 1, titleEn: 'new' } } },
				{ op: 'recordAttendance', variables: { eventId: 'E1', version: 0, cells: [] }, versionFromPrevious: 'version' }
			]
		});
		expect((await outbox.flush()).retryLater).toBe(true);
		expect((await outbox.get(e.id))?.steps[0].done).toBe(true);
		await outbox.flush();
		expect(server.applied.map((a) => a.split(':')[0])).toEqual(['updateEvent', 'recordAttendance']);
		expect(server.version).toBe(3);
		expect((await outbox.get(e.id))?.status).toBe('sent');
	});

	it('marks a stale version as a conflict, and the change re-applied on the current version is stored', async () => {
		const { server, outbox } = setup();
		server.version = 5; // someone else changed the event since it was loaded at version 4
		const e = await outbox.add({ owner: 'U1', kind: 'event.edit', summary: 'edit', steps: [{ op: 'updateEvent', variables: { input: { id: 'E1', version: 4, titleEn: 'mine' } } }] });
		await outbox.flush();
		const conflicted = await outbox.get(e.id);
		expect(conflicted?.status).toBe('conflict');
		expect(server.applied).toHaveLength(0);
		await outbox.fix(e.id, rebase(conflicted!.steps, { id: 'E1', version: 5 }));
		await outbox.flush();
		expect(server.applied).toEqual([`updateEvent:${JSON.stringify({ input: { id: 'E1', version: 5, titleEn: 'mine' } })}`]);
		expect(server.version).toBe(6);
	});

	it('forgets discarded entries and never discards a sent one', async () => {
		const { outbox } = setup();
		const a = await outbox.add(entry('A'));
		await outbox.flush();
		const b = await outbox.add(entry('B', 'U2'));
		await outbox.discard(a.id);
		await outbox.discard(b.id);
		expect((await outbox.list()).map((e) => e.summary)).toEqual(['A']);
	});
});

/**
 * The /manage runtime shared by every screen of a tab: the session, the
 * outbox (IndexedDB + Web Locks + a BroadcastChannel so every tab's list
 * stays current), whether the browser is online, and when to send: on
 * queueing, when the connection returns, after logging in, and on a backoff
 * timer while the server cannot be reached.
 */

import { browser } from '$app/environment';
import { query, ApiError } from '$lib/api/client';
import type { UserError } from './codes';
import { LOGIN } from './documents';
import { idbStore } from './idb-store';
import { localLock, memoryStore, Outbox, type NewEntry, type OutboxEntry, type WithLock } from './outbox';
import { isLive, readSession, SESSION_KEY, writeSession, type Session, type SessionUser } from './session';
import { sendStep } from './transport';

const LOCK_NAME = 'progress-hub-outbox';
const CHANNEL = 'progress-hub-outbox';

function webLock(): WithLock {
	if (browser && 'locks' in navigator) {
		return <T>(fn: () => Promise<T>) => navigator.locks.request(LOCK_NAME, { mode: 'exclusive' }, fn) as Promise<T>;
	}
	// Without Web Locks only this tab is serialised; every supported browser has them.
	return localLock();
}

class ManageRuntime {
	session = $state<Session | null>(null);
	/** The last user of this device, to prefill the log-in form after the session ended. */
	lastUser = $state<SessionUser | null>(null);
	entries = $state<OutboxEntry[]>([]);
	online = $state(true);
	needsLogin = $state(false);
	sending = $state(false);
	ready = $state(false);

	readonly outbox: Outbox;
	private channel: BroadcastChannel | undefined;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private expiryTimer: ReturnType<typeof setTimeout> | undefined;
	private backoff = 1000;
	private flushing = false;
	private again = false;
	private started = false;

	constructor() {
		this.outbox = new Outbox({
			store: browser && 'indexedDB' in globalThis ? idbStore() : memoryStore(),
			withLock: webLock(),
			send: (step, token) => sendStep(step, token),
			session: () => (this.session ? { token: this.session.token, userId: this.session.user.id, expiresAt: this.session.expiresAt } : null),
			onChange: () => {
				this.channel?.postMessage('changed');
				void this.refresh();
			}
		});
	}

	/** Starts listening (once per tab) and sends what is waiting. */
	start() {
		if (!browser || this.started) return;
		this.started = true;
		this.setSession(readSession(localStorage));
		this.online = navigator.onLine;
		this.channel = new BroadcastChannel(CHANNEL);
		this.channel.onmessage = () => void this.refresh();
		addEventListener('online', () => {
			this.online = true;
			this.backoff = 1000;
			this.kick();
		});
		addEventListener('offline', () => (this.online = false));
		addEventListener('storage', (e) => {
			if (e.key === SESSION_KEY) {
				this.setSession(readSession(localStorage));
				this.kick();
			}
		});
		void this.refresh().then(() => {
			this.ready = true;
			this.kick();
		});
	}

	private setSession(s: Session | null) {
		if (s) this.lastUser = s.user;
		this.session = isLive(s) ? s : null;
		if (s && !isLive(s)) this.needsLogin = true;
		clearTimeout(this.expiryTimer);
		if (this.session) {
			this.needsLogin = false;
			// The session ends with the token: ask to log in again then, keeping everything.
			const ms = Math.min(this.session.expiresAt - Date.now(), 2 ** 31 - 1);
			this.expiryTimer = setTimeout(() => this.expire(), ms);
		}
	}

	/** The token expired or was refused: keep the outbox, ask to log in. */
	expire() {
		if (this.session) this.lastUser = this.session.user;
		this.session = null;
		this.needsLogin = true;
	}

	async refresh() {
		this.entries = await this.outbox.list();
	}

	/** Logs in; returns the server's user errors (empty on success). */
	async login(email: string, password: string): Promise<UserError[]> {
		let r;
		try {
			r = (await query(LOGIN, { email, password })).result;
		} catch (e) {
			const message = e instanceof ApiError && e.kind === 'network' ? 'OFFLINE' : e instanceof Error ? e.message : String(e);
			return [{ field: [], code: 'INVALID', message }];
		}
		if (r.userErrors.length > 0 || !r.token || !r.user || !r.expiresAt) return r.userErrors as UserError[];
		const s: Session = { token: r.token, expiresAt: Date.parse(r.expiresAt), user: r.user as SessionUser };
		writeSession(localStorage, s);
		this.setSession(s);
		this.backoff = 1000;
		this.kick();
		return [];
	}

	logout() {
		writeSession(localStorage, null);
		this.session = null;
		this.needsLogin = false;
	}

	/** Queues a change (its keys are stored first) and starts sending. */
	async queue(e: Omit<NewEntry, 'owner'>): Promise<OutboxEntry> {
		const user = this.session?.user ?? this.lastUser;
		if (!user) throw new Error('log in first');
		const entry = await this.outbox.add({ ...e, owner: user.id, ownerEmail: user.email });
		this.kick();
		return entry;
	}

	/** Sends what is waiting now (one flush at a time per tab; the lock orders tabs). */
	kick() {
		if (!browser) return;
		clearTimeout(this.timer);
		// The browser knows it is offline: wait for its 'online' event instead of failing requests.
		if (navigator.onLine === false) {
			this.online = false;
			return;
		}
		if (this.flushing) {
			this.again = true;
			return;
		}
		void this.run();
	}

	private async run() {
		this.flushing = true;
		this.sending = true;
		try {
			do {
				this.again = false;
				const report = await this.outbox.flush();
				if (report.tokenRefused) this.expire();
				else if (report.needsLogin) this.needsLogin = true;
				if (report.retryLater) {
					this.timer = setTimeout(() => this.kick(), this.backoff);
					this.backoff = Math.min(this.backoff * 2, 30_000);
				} else {
					this.backoff = 1000;
				}
			} while (this.again);
		} finally {
			this.flushing = false;
			this.sending = false;
			await this.refresh();
		}
	}

	/** Waits until an entry is sent or refused, or `ms` pass; returns it as it is then. */
	async waitFor(id: string, ms = 10_000): Promise<OutboxEntry | undefined> {
		const end = Date.now() + ms;
		for (;;) {
			const e = await this.outbox.get(id);
			if (!e || (e.status !== 'waiting' && e.status !== 'sending') || Date.now() > end) return e;
			if (!this.online || this.needsLogin) return e;
			await new Promise((r) => setTimeout(r, 150));
		}
	}
}

export const manage = new ManageRuntime();

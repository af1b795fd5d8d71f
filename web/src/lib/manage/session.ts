/**
 * The log-in session of /manage: the access token, when it expires and who
 * it belongs to, kept in localStorage so every tab of the site shares it and
 * a reload keeps it. The session lasts exactly as long as the token (the API
 * issues short-lived tokens and no refresh token); when it ends, the outbox
 * keeps every queued change until the same person logs in again.
 */

import type { UserRole } from './codes';

export interface SessionUser {
	id: string;
	email: string;
	displayName: string;
	role: UserRole;
	active: boolean;
	version: number;
	organisation: { id: string; name: string } | null;
	projects: { id: string; slug: string }[];
}

export interface Session {
	token: string;
	/** Expiry, ms since the epoch. */
	expiresAt: number;
	user: SessionUser;
}

const KEY = 'progress-hub.manage.session';

/** Minimal storage (localStorage in the browser; a Map in tests). */
export interface KeyValue {
	getItem(key: string): string | null;
	setItem(key: string, value: string): void;
	removeItem(key: string): void;
}

export function readSession(storage: KeyValue | undefined): Session | null {
	if (!storage) return null;
	try {
		const raw = storage.getItem(KEY);
		if (!raw) return null;
		const s = JSON.parse(raw) as Session;
		if (typeof s?.token !== 'string' || typeof s.expiresAt !== 'number' || !s.user?.id) return null;
		return s;
	} catch {
		return null;
	}
}

export function writeSession(storage: KeyValue | undefined, s: Session | null): void {
	if (!storage) return;
	if (s) storage.setItem(KEY, JSON.stringify(s));
	else storage.removeItem(KEY);
}

/** True while the token is still valid at `now` (the server allows no more). */
export function isLive(s: Session | null, now = Date.now()): s is Session {
	return !!s && s.expiresAt > now;
}

/** The storage key, for `storage` events from other tabs. */
export const SESSION_KEY = KEY;

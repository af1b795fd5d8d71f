import { describe, expect, it } from 'vitest';
import { isLive, readSession, writeSession, type KeyValue, type Session } from './session';

function mem(): KeyValue & { m: Map<string, string> } {
	const m = new Map<string, string>();
	return { m, getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}
const s: Session = { token: 't', expiresAt: 2_000, user: { id: 'U', email: 'a@b', displayName: 'A', role: 'MANAGER', active: true, version: 1, organisation: null, projects: [] } };

describe('the session', () => {
	it('round-trips through storage and ends exactly when the token expires', () => {
		const kv = mem();
		writeSession(kv, s);
		expect(readSession(kv)).toEqual(s);
		expect(isLive(readSession(kv), 1_999)).toBe(true);
		expect(isLive(readSession(kv), 2_000)).toBe(false);
		writeSession(kv, null);
		expect(readSession(kv)).toBeNull();
	});
	it('ignores a damaged or foreign value', () => {
		const kv = mem();
		kv.setItem('progress-hub.manage.session', '{not json');
		expect(readSession(kv)).toBeNull();
		kv.setItem('progress-hub.manage.session', JSON.stringify({ token: 1 }));
		expect(readSession(kv)).toBeNull();
		expect(readSession(undefined)).toBeNull();
	});
});

/**
 * The outbox's storage in the browser: one IndexedDB database
 * (`progress-hub-manage`, object store `outbox`) through idb-keyval, so queued
 * changes survive a reload, a closed tab and a browser restart. `update` runs
 * in one IndexedDB transaction, so a read-modify-write cannot interleave with
 * another tab's.
 */

import { createStore, del, get, set, update, values } from 'idb-keyval';
import type { OutboxEntry, OutboxStore } from './outbox';

export function idbStore(): OutboxStore {
	const store = createStore('progress-hub-manage', 'outbox');
	return {
		get: (id) => get<OutboxEntry>(id, store),
		set: (id, e) => set(id, e, store),
		update: async (id, fn) => {
			let remove = false;
			await update<OutboxEntry>(
				id,
				(old) => {
					const next = fn(old);
					if (next === undefined) remove = true;
					return next as OutboxEntry;
				},
				store
			);
			if (remove) await del(id, store);
		},
		del: (id) => del(id, store),
		values: () => values<OutboxEntry>(store)
	};
}

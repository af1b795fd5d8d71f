/**
 * Spreadsheet import for /manage: templates, the preview (a dry run) and the
 * confirmation, over the API's `/import/{slug}` routes (a file is sent as the
 * request body, so these are not GraphQL calls), and the files waiting for a
 * connection: a file chosen offline is kept in IndexedDB (`progress-hub-imports`)
 * and checked when the browser is online again. The confirmation's
 * idempotency key is chosen with the preview and reused by every retry, so a
 * lost answer never stores a file twice.
 */

import { createStore, del, set, values } from 'idb-keyval';
import { apiUrl } from '$lib/api/client';

export type ImportKind = 'events' | 'service_counts' | 'indicator_values';
export const IMPORT_KINDS: ImportKind[] = ['events', 'service_counts', 'indicator_values'];

export type RowStatus = 'CREATED' | 'UPDATED' | 'UNCHANGED' | 'REFUSED';

export interface RowError {
	column: string;
	code: string;
	message: string;
}

export interface RowReport {
	line: number;
	status: RowStatus;
	key: string;
	errors: RowError[];
}

export interface Totals {
	created: number;
	updated: number;
	unchanged: number;
	refused: number;
}

export interface ImportReport {
	kind: ImportKind;
	sheet: string;
	file_sha256: string;
	token: string;
	totals: Totals;
	rows: RowReport[];
	rowsOmitted?: number;
	stored: boolean;
	replayed?: boolean;
}

export type ImportAnswer =
	| { kind: 'ok'; report: ImportReport }
	/** The data changed since the preview: preview again. */
	| { kind: 'stale'; message: string }
	/** The file or a row was refused, or the caller may not import. */
	| { kind: 'refused'; code: string; message: string }
	/** No answer (offline, timeout, 5xx): try again with the same key. */
	| { kind: 'retry'; message: string };

/** The template's URL (fetched with the token, see [`downloadTemplate`]). */
export function templatePath(slug: string, kind: ImportKind, lang: 'az' | 'en', format: 'xlsx' | 'csv'): string {
	return `/import/${encodeURIComponent(slug)}/template?kind=${kind}&lang=${lang}&format=${format}`;
}

/** Downloads a template with the session's token and hands it to the browser as a file. */
export async function downloadTemplate(slug: string, kind: ImportKind, lang: 'az' | 'en', format: 'xlsx' | 'csv', token: string): Promise<boolean> {
	const resp = await fetch(apiUrl(templatePath(slug, kind, lang, format)), { headers: { authorization: `Bearer ${token}` } });
	if (!resp.ok) return false;
	const blob = await resp.blob();
	const a = document.createElement('a');
	a.href = URL.createObjectURL(blob);
	a.download = `${slug}-${kind}-${lang}.${format}`;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
	return true;
}

/** Reads an answer of `/import/{slug}` into what the page does next. */
export function classifyImport(status: number, body: unknown): ImportAnswer {
	const errors = (body as { errors?: { code?: string; message?: string }[] } | null)?.errors;
	const first = errors?.[0];
	if (status === 200 && body && !errors) return { kind: 'ok', report: body as ImportReport };
	if (status === 0 || status === 408 || status === 429 || status >= 500) return { kind: 'retry', message: first?.message ?? `HTTP ${status}` };
	if (status === 409 || first?.code === 'CONFLICT') return { kind: 'stale', message: first?.message ?? 'stale' };
	return { kind: 'refused', code: first?.code ?? String(status), message: first?.message ?? `HTTP ${status}` };
}

/**
 * Sends a file: a preview without `confirm`, else the confirmation with the
 * preview's token and an idempotency key. Reports upload progress (0–100).
 */
export function sendImport(
	slug: string,
	file: Blob,
	opts: { kind: ImportKind; token: string; confirm?: { token: string; key: string }; onProgress?: (percent: number) => void }
): Promise<ImportAnswer> {
	const params = new URLSearchParams({ kind: opts.kind });
	if (opts.confirm) params.set('token', opts.confirm.token);
	return new Promise((resolve) => {
		const xhr = new XMLHttpRequest();
		xhr.open('POST', apiUrl(`/import/${encodeURIComponent(slug)}?${params}`));
		xhr.setRequestHeader('authorization', `Bearer ${opts.token}`);
		xhr.setRequestHeader('content-type', 'application/octet-stream');
		if (opts.confirm) xhr.setRequestHeader('idempotency-key', opts.confirm.key);
		xhr.timeout = 310_000;
		xhr.upload.onprogress = (e) => {
			if (e.lengthComputable) opts.onProgress?.(Math.round((100 * e.loaded) / e.total));
		};
		xhr.onload = () => {
			let body: unknown = null;
			try {
				body = JSON.parse(xhr.responseText);
			} catch {
				body = null;
			}
			resolve(classifyImport(xhr.status, body));
		};
		xhr.onerror = () => resolve({ kind: 'retry', message: 'network' });
		xhr.ontimeout = () => resolve({ kind: 'retry', message: 'timeout' });
		xhr.send(file);
	});
}

/** A file chosen while offline, waiting to be checked. */
export interface PendingImport {
	id: string;
	slug: string;
	kind: ImportKind;
	name: string;
	file: Blob;
	createdAt: number;
}

let store: ReturnType<typeof createStore> | undefined;
function pendingStore() {
	store ??= createStore('progress-hub-imports', 'files');
	return store;
}

/** Keeps a file until the connection returns. */
export async function queueImport(p: PendingImport): Promise<void> {
	await set(p.id, p, pendingStore());
}

/** The files waiting for one project. */
export async function pendingImports(slug: string): Promise<PendingImport[]> {
	const all = await values<PendingImport>(pendingStore());
	return all.filter((p) => p.slug === slug).sort((a, b) => a.createdAt - b.createdAt);
}

export async function removeImport(id: string): Promise<void> {
	await del(id, pendingStore());
}

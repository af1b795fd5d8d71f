/**
 * Boundary files to the API's `POST /boundaries/{kind}` route: a country's
 * districts as GeoJSON are a few megabytes, more than a GraphQL request may
 * carry. A dry run needs no key; storing sends an idempotency key that the page
 * keeps for the file until it is stored, so a retry after a lost answer
 * replays instead of storing twice.
 */
import { apiUrl } from '$lib/api/client';
import type { UserError } from '../codes';
import { manage } from '../manage.svelte';

/** The largest file the API takes (its BOUNDARY_FILE_MAX). */
export const BOUNDARY_FILE_MAX = 8 * 1024 * 1024;

export interface FeatureReport {
	index: number;
	label: string;
	areaId: string | null;
	problem: string | null;
}

export type BoundaryResult =
	| { ok: true; features: FeatureReport[]; replayed: boolean }
	| { ok: false; errors: UserError[]; message?: string; auth?: boolean };

interface ErrorBody {
	errors?: { field?: string[]; code?: string; message?: string; extensions?: { code?: string } }[];
}

/** The API's refusal as user errors on the named fields (the file's is `geojson`). */
export function refusal(status: number, body: ErrorBody | null): BoundaryResult {
	const errors: UserError[] = (body?.errors ?? []).map((e) => ({
		field: e.field ?? [],
		code: (e.code ?? e.extensions?.code ?? 'INVALID') as UserError['code'],
		message: e.message ?? ''
	}));
	if (status === 401) return { ok: false, errors: [], auth: true };
	if (errors.length === 0) return { ok: false, errors: [], message: `HTTP ${status}` };
	return { ok: false, errors };
}

export async function uploadBoundaries(kind: string, text: string, dryRun: boolean, key: string | null): Promise<BoundaryResult> {
	const token = manage.session?.token;
	if (!token) return { ok: false, errors: [], auth: true };
	const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': 'application/geo+json' };
	if (!dryRun && key) headers['idempotency-key'] = key;
	let resp: Response;
	try {
		resp = await fetch(apiUrl(`/boundaries/${encodeURIComponent(kind.toLowerCase())}${dryRun ? '?dryRun=true' : ''}`), { method: 'POST', headers, body: text });
	} catch (e) {
		return { ok: false, errors: [], message: e instanceof Error ? e.message : String(e) };
	}
	const body = (await resp.json().catch(() => null)) as (ErrorBody & { features?: FeatureReport[]; replayed?: boolean }) | null;
	if (resp.status === 401) manage.expire();
	if (!resp.ok) return refusal(resp.status, body);
	return { ok: true, features: body?.features ?? [], replayed: body?.replayed === true };
}

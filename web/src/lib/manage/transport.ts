/**
 * Sends one outbox step to the API and reads the answer into a `SendResult`:
 * which answers mean "stored", "refused, fix it", "changed meanwhile",
 * "log in again" or "no answer, retry with the same key". Every mutation is
 * written with its payload aliased as `result`, so one reader serves all.
 */

import type { UserError } from './codes';
import { ApiError, query } from '$lib/api/client';
import type { SendResult, Step } from './outbox';
import { opSpec } from './ops';

/** The parts of a GraphQL mutation payload the outbox reads. */
interface Payload {
	userErrors?: UserError[];
	replayed?: boolean;
	[field: string]: unknown;
}

/** Reads the HTTP status and JSON body of a mutation's answer. */
export function classify(status: number, body: unknown, objectField: string): SendResult {
	if (status === 401) return { kind: 'auth', message: errorMessage(body) ?? 'log in again' };
	if (status === 408 || status === 429 || status >= 500 || status === 0) {
		return { kind: 'retry', message: errorMessage(body) ?? `HTTP ${status}` };
	}
	const json = (body ?? {}) as { data?: { result?: Payload | null } | null; errors?: { message: string; extensions?: { code?: string } }[] };
	const payload = json.data?.result;
	if (!payload) {
		const first = json.errors?.[0];
		const code = first?.extensions?.code;
		if (code === 'UNAUTHENTICATED' || code === 'INVALID_TOKEN') return { kind: 'auth', message: first?.message ?? code };
		if (code === 'RATE_LIMITED' || code === 'INTERNAL' || code === 'INTERNAL_ERROR' || code === 'UNAVAILABLE') {
			return { kind: 'retry', message: first?.message ?? code };
		}
		if (status >= 400 && !first) return { kind: 'failed', message: `HTTP ${status}` };
		return { kind: 'failed', message: first?.message ?? 'the server gave no answer to this change' };
	}
	const errors = payload.userErrors ?? [];
	if (errors.some((e) => e.code === 'UNAUTHENTICATED')) return { kind: 'auth', message: errors[0].message };
	if (errors.some((e) => e.code === 'CONFLICT')) return { kind: 'conflict', errors };
	if (errors.length > 0) return { kind: 'refused', errors };
	return { kind: 'ok', object: payload[objectField] ?? null, replayed: payload.replayed === true };
}

function errorMessage(body: unknown): string | undefined {
	const errs = (body as { errors?: { message?: string }[] } | null)?.errors;
	return errs?.[0]?.message;
}

/** Reads a failure of the shared client (`ApiError`) into what the outbox does next. */
export function classifyError(e: unknown): SendResult {
	if (e instanceof ApiError) {
		const status = e.status ?? 0;
		if (e.kind === 'network') return { kind: 'retry', message: e.message };
		if (status === 401 || e.code === 'INVALID_TOKEN' || e.code === 'UNAUTHENTICATED') return { kind: 'auth', message: e.message };
		if (status === 408 || status === 429 || status >= 500 || e.code === 'INTERNAL') return { kind: 'retry', message: e.message };
		return { kind: 'failed', message: e.message };
	}
	// An aborted or cut-off request: whether it was stored is unknown, so retry with the same key.
	return { kind: 'retry', message: e instanceof Error ? e.message : String(e) };
}

/**
 * Sends one step with its key through the site's GraphQL client. A thrown
 * fetch (offline, connection reset, a dropped answer) is a retry: the key
 * makes the second attempt safe.
 */
export async function sendStep(step: Step, token: string, timeoutMs = 30_000): Promise<SendResult> {
	const spec = opSpec(step.op);
	if (!spec) return { kind: 'failed', message: `unknown operation ${step.op}` };
	const ctrl = new AbortController();
	const timer = setTimeout(() => ctrl.abort(), timeoutMs);
	try {
		const data = (await query(spec.document, { ...step.variables, idempotencyKey: step.key }, {
			headers: { authorization: `Bearer ${token}` },
			signal: ctrl.signal
		})) as { result?: unknown };
		return classify(200, { data }, spec.object);
	} catch (e) {
		return classifyError(e);
	} finally {
		clearTimeout(timer);
	}
}

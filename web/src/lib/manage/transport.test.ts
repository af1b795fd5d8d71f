import { describe, expect, it } from 'vitest';
import { ApiError } from '$lib/api/client';
import { classify, classifyError } from './transport';

describe('classify', () => {
	it('reads a stored change, a replay, refusals and conflicts from the payload', () => {
		expect(classify(200, { data: { result: { event: { id: 'E' }, userErrors: [], replayed: false } } }, 'event')).toEqual({ kind: 'ok', object: { id: 'E' }, replayed: false });
		expect(classify(200, { data: { result: { event: { id: 'E' }, userErrors: [], replayed: true } } }, 'event')).toMatchObject({ kind: 'ok', replayed: true });
		const refused = [{ field: ['input', 'titleEn'], code: 'REQUIRED', message: 'give it' }];
		expect(classify(200, { data: { result: { event: null, userErrors: refused, replayed: false } } }, 'event')).toEqual({ kind: 'refused', errors: refused });
		const conflict = [{ field: ['input', 'version'], code: 'CONFLICT', message: 'changed' }];
		expect(classify(200, { data: { result: { event: null, userErrors: conflict, replayed: false } } }, 'event').kind).toBe('conflict');
	});
	it('asks to log in on 401 and on UNAUTHENTICATED, keeping the entry', () => {
		expect(classify(401, { errors: [{ message: 'the access token is not valid; log in again', extensions: { code: 'INVALID_TOKEN' } }] }, 'event')).toEqual({ kind: 'auth', message: 'the access token is not valid; log in again' });
		expect(classify(200, { data: { result: { event: null, userErrors: [{ field: [], code: 'UNAUTHENTICATED', message: 'log in' }] } } }, 'event').kind).toBe('auth');
	});
	it('retries server faults and rate limits, and fails requests the server cannot run', () => {
		expect(classify(503, null, 'event').kind).toBe('retry');
		expect(classify(429, null, 'event').kind).toBe('retry');
		expect(classify(200, { data: null, errors: [{ message: 'x', extensions: { code: 'INTERNAL' } }] }, 'event').kind).toBe('retry');
		expect(classify(200, { data: null, errors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT' } }] }, 'event')).toEqual({ kind: 'failed', message: 'bad' });
	});
});

describe('classifyError', () => {
	it('retries when the connection fails or the answer is dropped, and asks to log in on 401', () => {
		expect(classifyError(new ApiError('network', 'Failed to fetch')).kind).toBe('retry');
		expect(classifyError(new DOMException('aborted', 'AbortError')).kind).toBe('retry');
		expect(classifyError(new ApiError('graphql', 'the access token is not valid; log in again', 401, 'INVALID_TOKEN')).kind).toBe('auth');
		expect(classifyError(new ApiError('http', 'HTTP 502', 502)).kind).toBe('retry');
		expect(classifyError(new ApiError('graphql', 'bad', 200, 'BAD_USER_INPUT'))).toEqual({ kind: 'failed', message: 'bad' });
	});
});

import { describe, expect, it } from 'vitest';
import { classifyImport, templatePath } from './imports';

describe('import answers', () => {
	it('reads a preview, a stale token, a refused file and a lost answer apart', () => {
		const report = { kind: 'events', totals: { created: 1, updated: 0, unchanged: 0, refused: 0 }, rows: [] };
		expect(classifyImport(200, report)).toEqual({ kind: 'ok', report });
		expect(classifyImport(409, { errors: [{ code: 'CONFLICT', message: 'changed' }] }).kind).toBe('stale');
		expect(classifyImport(422, { errors: [{ code: 'ZIP_BOMB', message: 'too big' }] })).toEqual({ kind: 'refused', code: 'ZIP_BOMB', message: 'too big' });
		expect(classifyImport(0, null).kind).toBe('retry');
		expect(classifyImport(503, { errors: [{ code: 'BUSY', message: 'busy' }] }).kind).toBe('retry');
	});

	it('builds template paths with the slug escaped', () => {
		expect(templatePath('a b', 'events', 'az', 'xlsx')).toBe('/import/a%20b/template?kind=events&lang=az&format=xlsx');
	});
});

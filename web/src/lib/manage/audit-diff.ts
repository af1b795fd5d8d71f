/**
 * The audit trail's change column as people read it: one line per field that
 * changed, `field: before → after`, from the JSON snapshots the API stores
 * (`before` and `after` of a record, or only one of them for a creation or a
 * removal). Nested records are walked (`event.title_en`); lists of cells
 * (objects with one number and some codes, such as attendance cells) are keyed
 * by their codes, so a grid change reads `FEMALE · AGE_18_TO_24: 3 → 5`
 * rather than by position.
 */

export interface FieldChange {
	/** Dotted path of the field (`event.title_en`, `attendance.FEMALE · UNKNOWN`). */
	field: string;
	/** Text of the old value; null when the field did not exist (a creation). */
	before: string | null;
	/** Text of the new value; null when the field went away (a removal). */
	after: string | null;
}

/** Fields that say nothing to a reader (derived search keys, hashes). */
const NOISE = new Set(['search_key', 'searchKey', 'password_hash', 'secret_hash', 'token_hash']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function scalarText(v: Json): string {
	if (v === null) return '∅';
	if (typeof v === 'string') return v === '' ? '""' : v;
	return String(v);
}

/** Cells of a list keyed by their codes, when every element has exactly one number and unique codes. */
function keyedCells(list: Json[]): Map<string, Json> | null {
	if (list.length === 0) return null;
	const out = new Map<string, Json>();
	for (const el of list) {
		if (el === null || typeof el !== 'object' || Array.isArray(el)) return null;
		const entries = Object.entries(el).filter(([k]) => k !== 'id' && k !== 'version' && !k.endsWith('_id'));
		const numbers = entries.filter(([, v]) => typeof v === 'number');
		const codes = entries.filter(([, v]) => typeof v === 'string' || v === null);
		if (numbers.length !== 1 || codes.length === 0 || codes.length + numbers.length !== entries.length) return null;
		const key = codes.map(([, v]) => (v === null ? '—' : String(v))).join(' · ');
		if (out.has(key)) return null;
		out.set(key, numbers[0][1]);
	}
	return out;
}

/** Flattens a snapshot into `path → text` (scalars only). */
export function flatten(value: Json | undefined, prefix = '', out = new Map<string, string>()): Map<string, string> {
	if (value === undefined) return out;
	if (value === null || typeof value !== 'object') {
		out.set(prefix || 'value', scalarText(value));
		return out;
	}
	if (Array.isArray(value)) {
		const cells = keyedCells(value);
		if (cells) {
			for (const [k, v] of cells) out.set(prefix ? `${prefix}.${k}` : k, scalarText(v));
		} else if (value.every((v) => v === null || typeof v !== 'object')) {
			out.set(prefix || 'value', value.length ? value.map(scalarText).join(', ') : '[]');
		} else {
			value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
		}
		return out;
	}
	for (const [k, v] of Object.entries(value)) {
		if (NOISE.has(k)) continue;
		flatten(v, prefix ? `${prefix}.${k}` : k, out);
	}
	return out;
}

/**
 * The fields that differ between two snapshots, in the order they appear
 * (the new snapshot's order, then fields only the old one had). For a
 * creation (no `before`) every field of `after` is listed with before null;
 * fields whose value is null then are left out (nothing was set).
 */
export function auditChanges(before: unknown, after: unknown): FieldChange[] {
	const b = before == null ? null : flatten(before as Json);
	const a = after == null ? null : flatten(after as Json);
	const out: FieldChange[] = [];
	if (!b && !a) return out;
	if (!b) {
		for (const [field, v] of a!) if (v !== '∅' && v !== '[]') out.push({ field, before: null, after: v });
		return out;
	}
	if (!a) {
		for (const [field, v] of b) if (v !== '∅' && v !== '[]') out.push({ field, before: v, after: null });
		return out;
	}
	for (const [field, v] of a) {
		const old = b.get(field);
		if (old === undefined) {
			if (v !== '∅') out.push({ field, before: null, after: v });
		} else if (old !== v) out.push({ field, before: old, after: v });
	}
	for (const [field, v] of b) if (!a.has(field) && v !== '∅') out.push({ field, before: v, after: null });
	return out;
}

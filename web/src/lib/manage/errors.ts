/**
 * Puts the server's `userErrors` next to the fields they name. A path such as
 * `["input", "attendance", "2", "count"]` points into the list that was sent;
 * the form keeps, per list, the key of each element in the order sent, so
 * index 2 becomes the grid cell it came from.
 */

import type { UserError } from './codes';

/** Messages per form field; `''` holds those that name no field the form has. */
export type FieldErrors = Record<string, UserError[]>;

/**
 * Groups errors by form field. `lists` maps a list field (e.g. `attendance`,
 * `cells`, `counts`) to the form keys of its elements in the order sent; such
 * errors land on `<list>.<key>` (the cell) or on `<list>` (the whole grid).
 * `known` names the form's fields; errors for other names go to `''`.
 */
export function fieldErrors(
	errors: readonly UserError[],
	lists: Readonly<Record<string, readonly string[]>> = {},
	known?: ReadonlySet<string>
): FieldErrors {
	const out: FieldErrors = {};
	const put = (k: string, e: UserError) => (out[k] ??= []).push(e);
	for (const e of errors) {
		const path = e.field[0] === 'input' ? e.field.slice(1) : e.field;
		const [head, index] = path;
		if (head === undefined || head === 'idempotencyKey') {
			put('', e);
			continue;
		}
		const list = lists[head];
		if (list && index !== undefined && /^\d+$/.test(index) && list[Number(index)] !== undefined) {
			put(`${head}.${list[Number(index)]}`, e);
		} else if (!known || known.has(head) || list) {
			put(head, e);
		} else {
			put('', e);
		}
	}
	return out;
}

/** True when any error is of one of these codes. */
export function hasCode(errors: readonly UserError[] | undefined, ...codes: UserError['code'][]): boolean {
	return (errors ?? []).some((e) => codes.includes(e.code));
}

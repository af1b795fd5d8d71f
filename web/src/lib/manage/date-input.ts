/**
 * Dates typed as people write them on /az/ (`15.09.2021`, also `15.9.2021`,
 * `15/09/2021`, `15-09-2021` or an ISO `2021-09-15`), read into the ISO date the
 * API takes. The browser's own date input shows its locale's pattern
 * (`mm/dd/yyyy` in an English Chromium) whatever the page's language, and
 * Chromium has no Azerbaijani date data, so /az/ uses a text input and these.
 */

/** Whether `iso` is a real calendar date `yyyy-mm-dd` (no 31 February). */
export function isIsoDate(iso: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	if (!m) return false;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
	const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
	return d <= days;
}

/**
 * The ISO date a typed text means, `''` for an empty field, or `null` when the
 * text is not a date (wrong pattern, or a day the month does not have).
 */
export function parseTypedDate(text: string): string | null {
	const t = text.trim();
	if (t === '') return '';
	let y: string, mo: string, d: string;
	const dmy = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(t);
	const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
	if (dmy) [d, mo, y] = [dmy[1], dmy[2], dmy[3]];
	else if (iso) [y, mo, d] = [iso[1], iso[2], iso[3]];
	else return null;
	const out = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
	return isIsoDate(out) ? out : null;
}

/** `2021-09-15` → `15.09.2021`; anything that is not an ISO date is returned as it is. */
export function typedFromIso(iso: string): string {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** A month typed as `09.2021` (or `9/2021`, ISO `2021-09`) → `2021-09`; `''` for empty; `null` when not a month. */
export function parseTypedMonth(text: string): string | null {
	const t = text.trim();
	if (t === '') return '';
	const my = /^(\d{1,2})[./-](\d{4})$/.exec(t);
	const iso = /^(\d{4})-(\d{1,2})$/.exec(t);
	const [y, mo] = my ? [my[2], my[1]] : iso ? [iso[1], iso[2]] : [null, null];
	if (!y || !mo) return null;
	const out = `${y}-${mo.padStart(2, '0')}`;
	return isIsoDate(`${out}-01`) ? out : null;
}

/** `2021-09` → `09.2021`; anything else as it is. */
export function typedFromIsoMonth(iso: string): string {
	const m = /^(\d{4})-(\d{2})$/.exec(iso);
	return m ? `${m[2]}.${m[1]}` : iso;
}

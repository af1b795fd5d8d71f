/**
 * Helpers of the programme set-up screens: the slug suggested from a title,
 * the derivation rules an indicator may use, and turning form text into the
 * optional values the API takes.
 */

import { EVENT_KINDS, STAGES } from '../codes';

const LETTERS: Record<string, string> = { ə: 'e', ı: 'i', i̇: 'i', ö: 'o', ü: 'u', ş: 's', ç: 'c', ğ: 'g', â: 'a' };

/** A URL slug from a title: lower case ASCII letters, digits and single hyphens (at most 80 characters). */
export function suggestSlug(title: string): string {
	const lower = title.toLocaleLowerCase('az');
	let out = '';
	for (const ch of lower.normalize('NFC')) out += LETTERS[ch] ?? ch;
	return out
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 80)
		.replace(/-+$/, '');
}

/** The families of derivation rules (`indicatorRulePreview`, `IndicatorInput.derivedFrom`). */
export const RULE_FAMILIES = ['attendance', 'services', 'works.completed', 'centres.operational', 'teams.active', 'events.held'] as const;
export type RuleFamily = (typeof RULE_FAMILIES)[number];

/** The rule text of a family and its argument (an event kind, `all`, or a service stage). */
export function ruleText(family: RuleFamily | '', arg: string): string | null {
	if (!family) return null;
	if (family === 'attendance') return `attendance.${(arg || 'all').toLowerCase()}`;
	if (family === 'services') return `services.${(arg || STAGES[0]).toLowerCase()}`;
	return family;
}

/** The family and argument of a stored rule (the reverse of `ruleText`); unknown rules give no family. */
export function parseRule(rule: string | null | undefined): { family: RuleFamily | ''; arg: string } {
	if (!rule) return { family: '', arg: '' };
	const [head, tail = ''] = rule.split('.', 2);
	if (head === 'attendance') {
		const k = tail.toUpperCase();
		return { family: 'attendance', arg: (EVENT_KINDS as readonly string[]).includes(k) ? k : '' };
	}
	if (head === 'services') {
		const s = tail.toUpperCase();
		return { family: 'services', arg: (STAGES as readonly string[]).includes(s) ? s : STAGES[0] };
	}
	return (RULE_FAMILIES as readonly string[]).includes(rule) ? { family: rule as RuleFamily, arg: '' } : { family: '', arg: '' };
}

/** Trimmed text, or undefined when blank (an optional field left empty). */
export const opt = (s: string | null | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);

/** A whole number typed into a field, or undefined when blank; NaN when it is not one (the server names the field). */
export function optInt(s: string | number | null | undefined): number | undefined {
	if (s === null || s === undefined || String(s).trim() === '') return undefined;
	const n = Number(String(s).trim());
	return Number.isFinite(n) ? n : Number.NaN;
}

import { describe, expect, it } from 'vitest';
import { optInt, parseRule, ruleText, suggestSlug } from './setup';

describe('set-up helpers', () => {
	it('suggests an ASCII slug from an Azerbaijani or English title', () => {
		expect(suggestSlug('Şəki rayonunda gənclər üçün təlim')).toBe('seki-rayonunda-gencler-ucun-telim');
		expect(suggestSlug('  Youth — Skills & Jobs 2026! ')).toBe('youth-skills-jobs-2026');
		expect(suggestSlug('İsmayıllı')).toBe('ismayilli');
		expect(suggestSlug('x'.repeat(100))).toHaveLength(80);
		expect(suggestSlug('!!!')).toBe('');
	});
	it('round-trips derivation rules', () => {
		expect(ruleText('attendance', 'TRAINING')).toBe('attendance.training');
		expect(ruleText('attendance', '')).toBe('attendance.all');
		expect(ruleText('services', 'SERVED')).toBe('services.served');
		expect(ruleText('works.completed', '')).toBe('works.completed');
		expect(ruleText('', 'x')).toBeNull();
		expect(parseRule('attendance.training')).toEqual({ family: 'attendance', arg: 'TRAINING' });
		expect(parseRule('attendance.all')).toEqual({ family: 'attendance', arg: '' });
		expect(parseRule('services.referred')).toEqual({ family: 'services', arg: 'REFERRED' });
		expect(parseRule('teams.active')).toEqual({ family: 'teams.active', arg: '' });
		expect(parseRule('bogus')).toEqual({ family: '', arg: '' });
		expect(parseRule(null)).toEqual({ family: '', arg: '' });
	});
	it('reads optional numbers', () => {
		expect(optInt('')).toBeUndefined();
		expect(optInt(' 12 ')).toBe(12);
		expect(optInt('abc')).toBeNaN();
	});
});

import { describe, expect, it, vi } from 'vitest';

vi.mock('$app/paths', () => ({ base: '' }));
const { switchLang, href, preferredLang } = await import('./i18n');

describe('language in the URL', () => {
	it('switches the language segment and keeps the rest of the page address', () => {
		expect(switchLang('/az/programme/undp/', 'en', '?x=1', '#ind')).toBe('/en/programme/undp/?x=1#ind');
		expect(switchLang('/en/', 'az')).toBe('/az/');
		expect(switchLang('/en', 'az')).toBe('/az/');
	});
	it('keeps embeds under /embed/', () => {
		expect(switchLang('/embed/az/map/', 'en')).toBe('/embed/en/map/');
	});
	it('falls back to the home page of the language for paths without one', () => {
		expect(switchLang('/', 'en')).toBe('/en/');
	});
	it('builds paths with a trailing slash', () => {
		expect(href('az')).toBe('/az/');
		expect(href('en', '/centres')).toBe('/en/centres/');
		expect(href('en', 'programme/x/')).toBe('/en/programme/x/');
	});
	it('prefers Azerbaijani unless English comes first', () => {
		expect(preferredLang(['en-GB', 'az'])).toBe('en');
		expect(preferredLang(['ru', 'az-Latn-AZ', 'en'])).toBe('az');
		expect(preferredLang(['de'])).toBe('az');
		expect(preferredLang([])).toBe('az');
	});
});

describe('the locale of a path', async () => {
	vi.mock('$lib/paraglide/runtime.js', () => ({ defineCustomClientStrategy: () => {}, defineCustomServerStrategy: () => {} }));
	const { langFromPath } = await import('./locale-strategy');
	it('reads the first segment, or the second under /embed/', () => {
		expect(langFromPath('/en/programme/x/')).toBe('en');
		expect(langFromPath('/embed/en/map/')).toBe('en');
		expect(langFromPath('/embed/xx/')).toBeUndefined();
		expect(langFromPath('/')).toBeUndefined();
	});
});

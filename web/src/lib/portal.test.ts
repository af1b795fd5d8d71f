import { describe, expect, it, vi } from 'vitest';

vi.mock('virtual:site-config', () => ({
	default: { portal: { organisation: 'UNICEF', roles: ['FUNDING', 'PARTNER'], nameAz: null, nameEn: 'UNICEF portal', logo: null, colours: { primary: '#000000', secondary: '#ffffff' } } }
}));
const { inPortal, portalName } = await import('./portal');

const unicef = { id: 'T3JnOjk', acronym: 'YUNİSEF', acronymAz: 'YUNİSEF', acronymEn: 'UNICEF', name: 'BMT Uşaq Fondu', nameAz: 'BMT Uşaq Fondu', nameEn: "United Nations Children's Fund" };
const ministry = { id: 'T3JnOjE', acronym: 'ƏƏSMN', name: 'Nazirlik' };

describe('donor portal membership', () => {
	it('takes a programme in which the organisation has one of the configured roles', () => {
		expect(inPortal([{ role: 'ACCOUNTABLE', organisation: ministry }, { role: 'PARTNER', organisation: unicef }])).toBe(true);
	});
	it('matches the organisation by its acronym in either language, case-insensitively', () => {
		expect(inPortal([{ role: 'FUNDING', organisation: { ...unicef, acronymEn: 'unicef' } }])).toBe(true);
	});
	it('leaves out programmes where it has another role or does not take part', () => {
		expect(inPortal([{ role: 'IMPLEMENTING', organisation: unicef }])).toBe(false);
		expect(inPortal([{ role: 'FUNDING', organisation: ministry }])).toBe(false);
		expect(inPortal([])).toBe(false);
	});
	it('names the portal in a language, falling back to the other', () => {
		expect(portalName('en')).toBe('UNICEF portal');
		expect(portalName('az')).toBe('UNICEF portal');
	});
});

import { describe, expect, it } from 'vitest';
import { codes, label } from './labels';

describe('code names', () => {
	it('names codes in both languages, matching lower-case stats codes', () => {
		expect(label('centreStatus', 'OPERATIONAL', 'az')).toBe('Fəaliyyət göstərir');
		expect(label('centreStatus', 'operational', 'en')).toBe('Operational');
		expect(label('channel', 'CALL_CENTRE_142', 'az')).toBe('“142” çağrı mərkəzi');
	});
	it('shows an unknown code as it is and a missing one as unknown', () => {
		expect(label('workKind', 'TUNNEL', 'en')).toBe('TUNNEL');
		expect(label('workKind', null, 'az')).toBe('Məlum deyil');
	});
	it('lists centre statuses in the order of the milestone timeline', () => {
		expect(codes('centreStatus').slice(1, 5)).toEqual(['ROOMS_ALLOCATED', 'EQUIPPED', 'STAFFED', 'OPERATIONAL']);
	});
});

describe('code names against the schema', () => {
	it('name every value of the enums the site shows', async () => {
		const { readFileSync } = await import('node:fs');
		const sdl = readFileSync(new URL('../../../api/schema.graphql', import.meta.url), 'utf8');
		const enumValues = (name: string) => {
			const m = new RegExp(`enum ${name} \\{([\\s\\S]*?)\\n\\}`).exec(sdl);
			if (!m) throw new Error(`enum ${name} not in the schema`);
			return m[1].split('\n').map((l) => l.trim()).filter((l) => /^[A-Z][A-Z0-9_]*$/.test(l));
		};
		const pairs = {
			projectStatus: 'ProjectStatus', centreKind: 'CentreKind', centreStatus: 'CentreStatus', workStatus: 'WorkStatus',
			workKind: 'WorkKind', eventKind: 'EventKind', eventStatus: 'EventStatus', supportType: 'SupportType',
			channel: 'Channel', stage: 'ServiceStage', unit: 'CountUnit', role: 'ParticipantRole', sex: 'Sex',
			ageBand: 'AgeBand', areaKind: 'AreaKind', disability: 'Disability', category: 'BeneficiaryCategory', teamStatus: 'TeamStatus', teamKind: 'TeamKind'
		} as const;
		for (const [group, enumName] of Object.entries(pairs)) {
			const values = enumValues(enumName);
			expect(values.length, enumName).toBeGreaterThan(1);
			expect(codes(group as keyof typeof pairs).sort(), enumName).toEqual([...values].sort());
		}
	});
});

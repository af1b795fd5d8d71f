//! Names of the API's codes (statuses, kinds, roles, support types, channels…) in
//! both languages. The API returns codes for enum fields; their wording is the
//! site's. A code the site does not know is shown as it is, never dropped.
import type { Lang } from './i18n';

type Names = Record<string, [az: string, en: string]>;

const GROUPS = {
	projectStatus: {
		PIPELINE: ['Hazırlıq mərhələsində', 'In preparation'],
		IMPLEMENTATION: ['Həyata keçirilir', 'Under way'],
		FINALISATION: ['Yekunlaşdırılır', 'Finishing'],
		CLOSED: ['Başa çatıb', 'Closed'],
		CANCELLED: ['Ləğv edilib', 'Cancelled'],
		SUSPENDED: ['Dayandırılıb', 'Suspended']
	},
	centreKind: {
		COMMUNITY_RESOURCE_CENTRE: ['İcma resurs mərkəzi', 'Community resource centre'],
		DOST_COORDINATION_CENTRE: ['DOST mərkəzində koordinasiya mərkəzi', 'DOST coordination centre'],
		MIGRATION_INFORMATION_CENTRE: ['Miqrasiya informasiya mərkəzi', 'Migration information centre'],
		VICTIM_ASSISTANCE_CENTRE: ['Qurbanlara yardım mərkəzi', 'Victim assistance centre'],
		REHABILITATION_REINTEGRATION_CENTRE: ['Reabilitasiya-reinteqrasiya mərkəzi', 'Rehabilitation and reintegration centre'],
		SOCIAL_SHELTER: ['Sosial sığınacaq', 'Social shelter'],
		HOTLINE: ['Qaynar xətt / çağrı mərkəzi', 'Hotline / call centre'],
		REGIONAL_CENTRE: ['Regional mərkəz', 'Regional centre'],
		DISTRICT_BRANCH: ['Rayon şöbəsi', 'District branch']
	},
	centreStatus: {
		PLANNED: ['Planlaşdırılıb', 'Planned'],
		ROOMS_ALLOCATED: ['Otaqlar ayrılıb', 'Rooms allocated'],
		EQUIPPED: ['Təchiz olunub', 'Equipped'],
		STAFFED: ['Əməkdaşlar təyin olunub', 'Staffed'],
		OPERATIONAL: ['Fəaliyyət göstərir', 'Operational'],
		CLOSED: ['Bağlanıb', 'Closed']
	},
	workStatus: {
		PLANNED: ['Planlaşdırılıb', 'Planned'],
		PROCUREMENT: ['Satınalma', 'Procurement'],
		IN_PROGRESS: ['İcra olunur', 'In progress'],
		COMPLETED: ['Başa çatıb', 'Completed'],
		HANDED_OVER: ['Təhvil verilib', 'Handed over']
	},
	workKind: {
		IRRIGATION: ['Suvarma', 'Irrigation'],
		ROAD: ['Yol', 'Road'],
		WATER: ['Su təchizatı', 'Water supply'],
		BUILDING: ['Bina', 'Building'],
		OTHER: ['Digər', 'Other']
	},
	eventKind: {
		TRAINING: ['Təlim', 'Training'],
		VOCATIONAL_COURSE: ['Peşə kursu', 'Vocational course'],
		SEMINAR: ['Seminar', 'Seminar'],
		COMMUNITY_MEETING: ['İcma görüşü', 'Community meeting'],
		AWARENESS_EVENT: ['Maarifləndirmə tədbiri', 'Awareness event'],
		MEETING: ['Görüş', 'Meeting']
	},
	eventStatus: {
		PLANNED: ['Planlaşdırılıb', 'Planned'],
		HELD: ['Keçirilib', 'Held'],
		CANCELLED: ['Ləğv edilib', 'Cancelled']
	},
	supportType: {
		BUSINESS: ['Biznes dəstəyi', 'Business support'],
		LEGAL: ['Hüquqi yardım', 'Legal support'],
		PSYCHOLOGICAL: ['Psixoloji yardım', 'Psychological support'],
		MATERIAL: ['Maddi yardım', 'Material help'],
		MEDICAL: ['Tibbi yardım', 'Medical help'],
		EMPLOYMENT: ['Məşğulluq', 'Employment'],
		VOCATIONAL_REHABILITATION: ['Peşə reabilitasiyası', 'Vocational rehabilitation'],
		SHELTER: ['Sığınacaq', 'Shelter'],
		SOCIAL_PROTECTION: ['Sosial müdafiə', 'Social protection'],
		MEDICAL_SOCIAL_EXPERTISE: ['Tibbi-sosial ekspertiza', 'Medical-social expertise'],
		OTHER: ['Digər', 'Other']
	},
	channel: {
		WALK_IN: ['Şəxsən müraciət', 'Walk-in'],
		CALL_CENTRE_142: ['“142” çağrı mərkəzi', '“142” call centre'],
		HOTLINE: ['Qaynar xətt', 'Hotline'],
		MOBILE_TEAM: ['Səyyar qrup', 'Mobile team'],
		REFERRAL: ['Yönləndirmə', 'Referral']
	},
	stage: {
		RECEIVED: ['Qəbul edilib', 'Received'],
		SERVED: ['Xidmət göstərilib', 'Served'],
		REFERRED: ['Yönləndirilib', 'Referred']
	},
	unit: {
		PERSONS: ['nəfər', 'people'],
		APPEALS: ['müraciət', 'appeals'],
		SESSIONS: ['sessiya', 'sessions'],
		WORKS: ['iş', 'works'],
		CENTRES: ['mərkəz', 'centres'],
		EVENTS: ['tədbir', 'events'],
		ORGANISATIONS: ['təşkilat', 'organisations'],
		SERVICE_AREAS: ['xidmət istiqaməti', 'service areas'],
		TEAMS: ['qrup', 'teams']
	},
	role: {
		FUNDING: ['Maliyyələşdirən', 'Funding'],
		ACCOUNTABLE: ['Məsul', 'Accountable'],
		EXTENDING: ['Vəsaiti ötürən', 'Extending'],
		IMPLEMENTING: ['İcraçı', 'Implementing'],
		PARTNER: ['Tərəfdaş', 'Partner']
	},
	sex: {
		FEMALE: ['Qadın', 'Female'],
		MALE: ['Kişi', 'Male'],
		UNKNOWN: ['Məlum deyil', 'Unknown']
	},
	ageBand: {
		AGE_0_TO_17: ['0–17 yaş', 'Aged 0–17'],
		AGE_18_TO_24: ['18–24 yaş', 'Aged 18–24'],
		AGE_25_TO_59: ['25–59 yaş', 'Aged 25–59'],
		AGE_60_PLUS: ['60 yaş və yuxarı', 'Aged 60+'],
		UNKNOWN: ['Yaşı məlum deyil', 'Age unknown']
	},
	areaKind: {
		COUNTRY: ['Ölkə', 'Country'],
		ECONOMIC_REGION: ['İqtisadi rayon', 'Economic region'],
		DISTRICT: ['Rayon', 'District'],
		CITY: ['Şəhər', 'City'],
		SETTLEMENT: ['Qəsəbə', 'Settlement'],
		VILLAGE: ['Kənd', 'Village']
	},
	teamStatus: {
		PLANNED: ['Planlaşdırılıb', 'Planned'],
		ACTIVE: ['Fəaliyyətdədir', 'Active'],
		CLOSED: ['Bağlanıb', 'Closed']
	},
	disability: {
		WITH_DISABILITY: ['Əlilliyi olan', 'With disability'],
		WITHOUT_DISABILITY: ['Əlilliyi olmayan', 'Without disability'],
		UNKNOWN: ['Məlum deyil', 'Unknown']
	},
	category: {
		EXECUTIVE_AUTHORITY_STAFF: ['İcra hakimiyyəti əməkdaşları', 'Executive-authority staff'],
		MUNICIPALITY_MEMBER: ['Bələdiyyə üzvləri', 'Municipality members'],
		VILLAGE_REPRESENTATIVE: ['Kənd nümayəndələri', 'Village representatives'],
		CENTRE_STAFF: ['Mərkəz əməkdaşları', 'Centre staff'],
		YOUTH: ['Gənclər', 'Young people'],
		WAR_AFFECTED: ['Müharibədən zərər çəkənlər', 'War-affected people'],
		MARTYR_FAMILY: ['Şəhid ailələri', 'Families of martyrs'],
		WAR_VETERAN: ['Müharibə veteranları və əlilləri', 'War veterans and war-disabled'],
		TRAFFICKING_VICTIM: ['İnsan alverinin qurbanları', 'Victims of trafficking'],
		CHILD_AT_RISK: ['Risk altında olan uşaqlar', 'Children at risk'],
		GENERAL: ['Ümumi əhali', 'General public'],
		UNKNOWN: ['Məlum deyil', 'Unknown']
	},
	teamKind: {
		MOBILE_TEAM: ['Səyyar qrup', 'Mobile team'],
		MOBILE_VOLUNTEER_TEAM: ['Səyyar könüllü qrupu', 'Mobile volunteer team']
	}
} satisfies Record<string, Names>;

export type LabelGroup = keyof typeof GROUPS;

/** The name of `code` in `group`; codes are matched case-insensitively (stats rows use lower case). */
export function label(group: LabelGroup, code: string | null | undefined, lang: Lang): string {
	if (code == null) return lang === 'az' ? 'Məlum deyil' : 'Unknown';
	const names = (GROUPS[group] as Names)[code.toUpperCase()];
	return names ? names[lang === 'az' ? 0 : 1] : code;
}

/** Every code of a group, in the order the site lists them (status order = progress order). */
export function codes(group: LabelGroup): string[] {
	return Object.keys(GROUPS[group]);
}

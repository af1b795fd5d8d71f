/**
 * Labels of the code lists in the page's language (Paraglide messages from
 * messages/manage/*.json), and the message for each user-error code. One
 * table per code list, so a missing translation fails type-checking.
 */

import { m } from '$lib/messages';
import type * as C from './codes';
import type { UserError } from './codes';

const sexLabels: Record<C.Sex, () => string> = {
	FEMALE: m.manage_sex_FEMALE,
	MALE: m.manage_sex_MALE,
	UNKNOWN: m.manage_sex_UNKNOWN,
};
export const sexLabel = (code: string): string => (sexLabels as Record<string, () => string>)[code]?.() ?? code;

const ageLabels: Record<C.AgeBand, () => string> = {
	AGE_0_TO_17: m.manage_age_AGE_0_TO_17,
	AGE_18_TO_24: m.manage_age_AGE_18_TO_24,
	AGE_25_TO_59: m.manage_age_AGE_25_TO_59,
	AGE_60_PLUS: m.manage_age_AGE_60_PLUS,
	UNKNOWN: m.manage_age_UNKNOWN,
};
export const ageLabel = (code: string): string => (ageLabels as Record<string, () => string>)[code]?.() ?? code;

const disabilityLabels: Record<C.Disability, () => string> = {
	WITH_DISABILITY: m.manage_dis_WITH_DISABILITY,
	WITHOUT_DISABILITY: m.manage_dis_WITHOUT_DISABILITY,
	UNKNOWN: m.manage_dis_UNKNOWN,
};
export const disabilityLabel = (code: string): string => (disabilityLabels as Record<string, () => string>)[code]?.() ?? code;

const categoryLabels: Record<C.BeneficiaryCategory, () => string> = {
	EXECUTIVE_AUTHORITY_STAFF: m.manage_cat_EXECUTIVE_AUTHORITY_STAFF,
	MUNICIPALITY_MEMBER: m.manage_cat_MUNICIPALITY_MEMBER,
	VILLAGE_REPRESENTATIVE: m.manage_cat_VILLAGE_REPRESENTATIVE,
	CENTRE_STAFF: m.manage_cat_CENTRE_STAFF,
	YOUTH: m.manage_cat_YOUTH,
	WAR_AFFECTED: m.manage_cat_WAR_AFFECTED,
	MARTYR_FAMILY: m.manage_cat_MARTYR_FAMILY,
	WAR_VETERAN: m.manage_cat_WAR_VETERAN,
	TRAFFICKING_VICTIM: m.manage_cat_TRAFFICKING_VICTIM,
	CHILD_AT_RISK: m.manage_cat_CHILD_AT_RISK,
	GENERAL: m.manage_cat_GENERAL,
	UNKNOWN: m.manage_cat_UNKNOWN,
};
export const categoryLabel = (code: string): string => (categoryLabels as Record<string, () => string>)[code]?.() ?? code;

const eventKindLabels: Record<C.EventKind, () => string> = {
	TRAINING: m.manage_ek_TRAINING,
	VOCATIONAL_COURSE: m.manage_ek_VOCATIONAL_COURSE,
	SEMINAR: m.manage_ek_SEMINAR,
	COMMUNITY_MEETING: m.manage_ek_COMMUNITY_MEETING,
	AWARENESS_EVENT: m.manage_ek_AWARENESS_EVENT,
	MEETING: m.manage_ek_MEETING,
};
export const eventKindLabel = (code: string): string => (eventKindLabels as Record<string, () => string>)[code]?.() ?? code;

const eventStatusLabels: Record<C.EventStatus, () => string> = {
	PLANNED: m.manage_es_PLANNED,
	HELD: m.manage_es_HELD,
	CANCELLED: m.manage_es_CANCELLED,
};
export const eventStatusLabel = (code: string): string => (eventStatusLabels as Record<string, () => string>)[code]?.() ?? code;

const workStatusLabels: Record<C.WorkStatus, () => string> = {
	PLANNED: m.manage_ws_PLANNED,
	PROCUREMENT: m.manage_ws_PROCUREMENT,
	IN_PROGRESS: m.manage_ws_IN_PROGRESS,
	COMPLETED: m.manage_ws_COMPLETED,
	HANDED_OVER: m.manage_ws_HANDED_OVER,
};
export const workStatusLabel = (code: string): string => (workStatusLabels as Record<string, () => string>)[code]?.() ?? code;

const centreStatusLabels: Record<C.CentreStatus, () => string> = {
	PLANNED: m.manage_cs_PLANNED,
	ROOMS_ALLOCATED: m.manage_cs_ROOMS_ALLOCATED,
	EQUIPPED: m.manage_cs_EQUIPPED,
	STAFFED: m.manage_cs_STAFFED,
	OPERATIONAL: m.manage_cs_OPERATIONAL,
	CLOSED: m.manage_cs_CLOSED,
};
export const centreStatusLabel = (code: string): string => (centreStatusLabels as Record<string, () => string>)[code]?.() ?? code;

const supportTypeLabels: Record<C.SupportType, () => string> = {
	BUSINESS: m.manage_st_BUSINESS,
	LEGAL: m.manage_st_LEGAL,
	PSYCHOLOGICAL: m.manage_st_PSYCHOLOGICAL,
	MATERIAL: m.manage_st_MATERIAL,
	MEDICAL: m.manage_st_MEDICAL,
	EMPLOYMENT: m.manage_st_EMPLOYMENT,
	VOCATIONAL_REHABILITATION: m.manage_st_VOCATIONAL_REHABILITATION,
	SHELTER: m.manage_st_SHELTER,
	SOCIAL_PROTECTION: m.manage_st_SOCIAL_PROTECTION,
	MEDICAL_SOCIAL_EXPERTISE: m.manage_st_MEDICAL_SOCIAL_EXPERTISE,
	OTHER: m.manage_st_OTHER,
};
export const supportTypeLabel = (code: string): string => (supportTypeLabels as Record<string, () => string>)[code]?.() ?? code;

const channelLabels: Record<C.Channel, () => string> = {
	WALK_IN: m.manage_ch_WALK_IN,
	CALL_CENTRE_142: m.manage_ch_CALL_CENTRE_142,
	HOTLINE: m.manage_ch_HOTLINE,
	MOBILE_TEAM: m.manage_ch_MOBILE_TEAM,
	REFERRAL: m.manage_ch_REFERRAL,
};
export const channelLabel = (code: string): string => (channelLabels as Record<string, () => string>)[code]?.() ?? code;

const stageLabels: Record<C.ServiceStage, () => string> = {
	RECEIVED: m.manage_sg_RECEIVED,
	SERVED: m.manage_sg_SERVED,
	REFERRED: m.manage_sg_REFERRED,
};
export const stageLabel = (code: string): string => (stageLabels as Record<string, () => string>)[code]?.() ?? code;

const reportStatusLabels: Record<C.ReportStatus, () => string> = {
	DRAFT: m.manage_rs_DRAFT,
	SUBMITTED: m.manage_rs_SUBMITTED,
	RETURNED: m.manage_rs_RETURNED,
	APPROVED: m.manage_rs_APPROVED,
};
export const reportStatusLabel = (code: string): string => (reportStatusLabels as Record<string, () => string>)[code]?.() ?? code;

const roleLabels: Record<C.UserRole, () => string> = {
	ADMIN: m.manage_role_ADMIN,
	MANAGER: m.manage_role_MANAGER,
	DONOR: m.manage_role_DONOR,
	VIEWER: m.manage_role_VIEWER,
};
export const roleLabel = (code: string): string => (roleLabels as Record<string, () => string>)[code]?.() ?? code;

const orgKindLabels: Record<C.OrganisationKind, () => string> = {
	UN_AGENCY: m.manage_ok_UN_AGENCY,
	RED_CROSS_RED_CRESCENT: m.manage_ok_RED_CROSS_RED_CRESCENT,
	GOVERNMENT: m.manage_ok_GOVERNMENT,
	NGO: m.manage_ok_NGO,
	INTERNATIONAL_ORGANISATION: m.manage_ok_INTERNATIONAL_ORGANISATION,
	DONOR: m.manage_ok_DONOR,
};
export const orgKindLabel = (code: string): string => (orgKindLabels as Record<string, () => string>)[code]?.() ?? code;

/** The message for a user-error code (the server's own text is shown beside it). */
export function errorLabel(e: Pick<UserError, 'code'>): string {
	switch (e.code) {
		case 'REQUIRED':
			return m.manage_err_required();
		case 'INVALID':
			return m.manage_err_invalid();
		case 'NEGATIVE_COUNT':
			return m.manage_err_negative();
		case 'DUPLICATE_CELL':
			return m.manage_err_duplicate();
		case 'CAPACITY_EXCEEDED':
			return m.manage_err_capacity();
		case 'OUT_OF_PROJECT_RANGE':
			return m.manage_err_range();
		case 'PERIOD_LOCKED':
			return m.manage_err_locked();
		case 'CONFLICT':
			return m.manage_err_conflict();
		case 'FORBIDDEN':
			return m.manage_err_forbidden();
		case 'NOT_FOUND':
			return m.manage_err_not_found();
		case 'INVALID_TRANSITION':
			return m.manage_err_transition();
		case 'WEAK_PASSWORD':
			return m.manage_err_weak_password();
		case 'EMAIL_TAKEN':
			return m.manage_err_email_taken();
		default:
			return m.manage_err_other();
	}
}

// Static tables (not `m[\`…${code}\`]`): a computed lookup on the message
// namespace makes the bundler keep every message of the site, /manage's too,
// wherever the namespace lands, the public pages' chunk included.
const sensitivityLabels: Record<'PUBLIC' | 'ORDINARY' | 'SENSITIVE', () => string> = {
	PUBLIC: m.setup_sensitivity_public,
	ORDINARY: m.setup_sensitivity_ordinary,
	SENSITIVE: m.setup_sensitivity_sensitive
};
/** A project's sensitivity, in the page's language. */
export const sensitivityLabel = (code: string): string => (sensitivityLabels as Record<string, () => string>)[code.toUpperCase()]?.() ?? code;

const ruleFamilyLabels: Record<string, () => string> = {
	attendance: m.setup_rule_attendance,
	services: m.setup_rule_services,
	'works.completed': m.setup_rule_works_completed,
	'centres.operational': m.setup_rule_centres_operational,
	'teams.active': m.setup_rule_teams_active,
	'events.held': m.setup_rule_events_held
};
/** A derivation rule's family (`works.completed`…), in the page's language. */
export const ruleFamilyLabel = (family: string): string => ruleFamilyLabels[family]?.() ?? family;

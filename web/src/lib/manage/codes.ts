/**
 * Code lists of the write API (the enums of api/schema.graphql that data entry
 * uses), in the order forms show them. Kept as `as const` tuples so the grid,
 * the forms and the label tables all iterate the same values.
 */

export const SEXES = ['FEMALE', 'MALE', 'UNKNOWN'] as const;
export type Sex = (typeof SEXES)[number];

export const AGE_BANDS = ['AGE_0_TO_17', 'AGE_18_TO_24', 'AGE_25_TO_59', 'AGE_60_PLUS', 'UNKNOWN'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const DISABILITIES = ['WITH_DISABILITY', 'WITHOUT_DISABILITY', 'UNKNOWN'] as const;
export type Disability = (typeof DISABILITIES)[number];

export const CATEGORIES = [
	'EXECUTIVE_AUTHORITY_STAFF',
	'MUNICIPALITY_MEMBER',
	'VILLAGE_REPRESENTATIVE',
	'CENTRE_STAFF',
	'YOUTH',
	'WAR_AFFECTED',
	'MARTYR_FAMILY',
	'WAR_VETERAN',
	'TRAFFICKING_VICTIM',
	'CHILD_AT_RISK',
	'GENERAL',
	'UNKNOWN'
] as const;
export type BeneficiaryCategory = (typeof CATEGORIES)[number];

export const EVENT_KINDS = [
	'TRAINING',
	'VOCATIONAL_COURSE',
	'SEMINAR',
	'COMMUNITY_MEETING',
	'AWARENESS_EVENT',
	'MEETING'
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_STATUSES = ['PLANNED', 'HELD', 'CANCELLED'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const WORK_STATUSES = ['PLANNED', 'PROCUREMENT', 'IN_PROGRESS', 'COMPLETED', 'HANDED_OVER'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

export const CENTRE_STATUSES = [
	'PLANNED',
	'ROOMS_ALLOCATED',
	'EQUIPPED',
	'STAFFED',
	'OPERATIONAL',
	'CLOSED'
] as const;
export type CentreStatus = (typeof CENTRE_STATUSES)[number];

export const SUPPORT_TYPES = [
	'BUSINESS',
	'LEGAL',
	'PSYCHOLOGICAL',
	'MATERIAL',
	'MEDICAL',
	'EMPLOYMENT',
	'VOCATIONAL_REHABILITATION',
	'SHELTER',
	'SOCIAL_PROTECTION',
	'MEDICAL_SOCIAL_EXPERTISE',
	'OTHER'
] as const;
export type SupportType = (typeof SUPPORT_TYPES)[number];

export const CHANNELS = ['WALK_IN', 'CALL_CENTRE_142', 'HOTLINE', 'MOBILE_TEAM', 'REFERRAL'] as const;
export type Channel = (typeof CHANNELS)[number];

export const STAGES = ['RECEIVED', 'SERVED', 'REFERRED'] as const;
export type ServiceStage = (typeof STAGES)[number];

export const SERVICE_UNITS = ['PERSONS', 'APPEALS'] as const;
export type ServiceUnit = (typeof SERVICE_UNITS)[number];

export const REPORT_STATUSES = ['DRAFT', 'SUBMITTED', 'RETURNED', 'APPROVED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const USER_ROLES = ['ADMIN', 'MANAGER', 'DONOR', 'VIEWER'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const ORGANISATION_KINDS = [
	'UN_AGENCY',
	'RED_CROSS_RED_CRESCENT',
	'GOVERNMENT',
	'NGO',
	'INTERNATIONAL_ORGANISATION',
	'DONOR'
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Machine-readable reasons of `UserError.code`. */
export type UserErrorCode =
	| 'INVALID'
	| 'REQUIRED'
	| 'NOT_FOUND'
	| 'FORBIDDEN'
	| 'CONFLICT'
	| 'CAPACITY_EXCEEDED'
	| 'NEGATIVE_COUNT'
	| 'OUT_OF_PROJECT_RANGE'
	| 'DUPLICATE_CELL'
	| 'PERIOD_LOCKED'
	| 'IDEMPOTENCY_KEY_REUSED'
	| 'INVALID_CREDENTIALS'
	| 'TOO_MANY_ATTEMPTS'
	| 'WEAK_PASSWORD'
	| 'EMAIL_TAKEN'
	| 'INVALID_TRANSITION'
	| 'UNAUTHENTICATED';

/** A problem with the input, as the API returns it in a payload. */
export interface UserError {
	field: string[];
	code: UserErrorCode;
	message: string;
}

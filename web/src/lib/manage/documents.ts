/**
 * Every GraphQL document of the /manage screens, typed by gql.tada against
 * api/schema.graphql (so `npm run check` fails when the API changes under
 * them). Mutations alias their payload as `result`; the outbox's transport
 * reads that one name.
 */

import { graphql } from '$lib/graphql';

// ---- Fragments --------------------------------------------------------------

export const EventFields = graphql(`
	fragment ManageEventFields on Event @_unmask {
		id
		version
		kind
		status
		startDate
		endDate
		capacity
		titleAz: title(lang: AZ)
		titleEn: title(lang: EN)
		titleAzLang: titleLang(lang: AZ)
		titleEnLang: titleLang(lang: EN)
		topicsAz: topics(lang: AZ)
		topicsEn: topics(lang: EN)
		audienceAz: audience(lang: AZ)
		audienceEn: audience(lang: EN)
		project { id slug }
		centre { id }
		attendance {
			total { value suppressed }
			cells { sex ageBand disability category count suppressed }
		}
	}
`);

export const WorkFields = graphql(`
	fragment ManageWorkFields on InfrastructureWork @_unmask {
		id
		version
		kind
		status
		progressPercent
		completedOn
		quantity
		unit
		titleAz: title(lang: AZ)
		titleEn: title(lang: EN)
		statusHistory { status changedOn progressPercent }
	}
`);

export const CentreFields = graphql(`
	fragment ManageCentreFields on Centre @_unmask {
		id
		version
		kind
		status
		openedOn
		sensitiveLocation
		nameAz: name(lang: AZ)
		nameEn: name(lang: EN)
		milestones { status reachedOn }
	}
`);

export const ReportFields = graphql(`
	fragment ManageReportFields on Report @_unmask {
		id
		version
		status
		periodStart
		periodEnd
		comment
		submittedAt
		decidedAt
		project { id slug titleAz: title(lang: AZ) titleEn: title(lang: EN) }
	}
`);

export const ServiceCountFields = graphql(`
	fragment ManageServiceCountFields on ServiceCount @_unmask {
		version
		periodStart
		periodEnd
		supportType
		channel
		stage
		unit
		sex
		ageBand
		category
		value
		suppressed
		centre { id }
	}
`);

const UserFields = graphql(`
	fragment ManageUserFields on User @_unmask {
		id
		email
		displayName
		role
		active
		version
		organisation { id name }
		projects { id slug }
	}
`);

// ---- Session ----------------------------------------------------------------

export const LOGIN = graphql(
	`
		mutation ManageLogin($email: String!, $password: String!) {
			result: login(email: $email, password: $password) {
				token
				expiresAt
				user { ...ManageUserFields }
				userErrors { field code message }
			}
		}
	`,
	[UserFields]
);

export const ME = graphql(
	`
		query ManageMe {
			me { ...ManageUserFields }
		}
	`,
	[UserFields]
);

// ---- Mutations sent through the outbox ---------------------------------------------

export const CREATE_EVENT = graphql(
	`
		mutation ManageCreateEvent($idempotencyKey: String!, $input: CreateEventInput!) {
			result: createEvent(idempotencyKey: $idempotencyKey, input: $input) {
				event { ...ManageEventFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[EventFields]
);

export const UPDATE_EVENT = graphql(
	`
		mutation ManageUpdateEvent($idempotencyKey: String!, $input: UpdateEventInput!) {
			result: updateEvent(idempotencyKey: $idempotencyKey, input: $input) {
				event { ...ManageEventFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[EventFields]
);

export const CANCEL_EVENT = graphql(
	`
		mutation ManageCancelEvent($idempotencyKey: String!, $id: ID!, $version: Int!) {
			result: cancelEvent(idempotencyKey: $idempotencyKey, id: $id, version: $version) {
				event { ...ManageEventFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[EventFields]
);

export const RECORD_ATTENDANCE = graphql(
	`
		mutation ManageRecordAttendance($idempotencyKey: String!, $eventId: ID!, $version: Int!, $cells: [AttendanceCellInput!]!) {
			result: recordAttendance(idempotencyKey: $idempotencyKey, eventId: $eventId, version: $version, cells: $cells) {
				event { ...ManageEventFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[EventFields]
);

export const ADD_ATTENDANCE = graphql(
	`
		mutation ManageAddAttendance($idempotencyKey: String!, $eventId: ID!, $cells: [AttendanceCellInput!]!) {
			result: addAttendance(idempotencyKey: $idempotencyKey, eventId: $eventId, cells: $cells) {
				event { ...ManageEventFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[EventFields]
);

export const UPDATE_WORK_STATUS = graphql(
	`
		mutation ManageUpdateWorkStatus($idempotencyKey: String!, $input: WorkStatusInput!) {
			result: updateWorkStatus(idempotencyKey: $idempotencyKey, input: $input) {
				infrastructureWork { ...ManageWorkFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[WorkFields]
);

export const RECORD_CENTRE_MILESTONE = graphql(
	`
		mutation ManageRecordCentreMilestone($idempotencyKey: String!, $input: CentreMilestoneInput!) {
			result: recordCentreMilestone(idempotencyKey: $idempotencyKey, input: $input) {
				centre { ...ManageCentreFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[CentreFields]
);

export const SET_SERVICE_COUNTS = graphql(
	`
		mutation ManageSetServiceCounts($idempotencyKey: String!, $input: ServiceCountsInput!) {
			result: setServiceCounts(idempotencyKey: $idempotencyKey, input: $input) {
				project { id serviceCounts { ...ManageServiceCountFields } }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[ServiceCountFields]
);

export const SUBMIT_REPORT = graphql(
	`
		mutation ManageSubmitReport($idempotencyKey: String!, $input: SubmitReportInput!) {
			result: submitReport(idempotencyKey: $idempotencyKey, input: $input) {
				report { ...ManageReportFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[ReportFields]
);

export const RETURN_REPORT = graphql(
	`
		mutation ManageReturnReport($idempotencyKey: String!, $id: ID!, $version: Int!, $comment: String!) {
			result: returnReport(idempotencyKey: $idempotencyKey, id: $id, version: $version, comment: $comment) {
				report { ...ManageReportFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[ReportFields]
);

export const APPROVE_REPORT = graphql(
	`
		mutation ManageApproveReport($idempotencyKey: String!, $id: ID!, $version: Int!, $comment: String) {
			result: approveReport(idempotencyKey: $idempotencyKey, id: $id, version: $version, comment: $comment) {
				report { ...ManageReportFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[ReportFields]
);

export const REOPEN_REPORT = graphql(
	`
		mutation ManageReopenReport($idempotencyKey: String!, $id: ID!, $version: Int!, $comment: String!) {
			result: reopenReport(idempotencyKey: $idempotencyKey, id: $id, version: $version, comment: $comment) {
				report { ...ManageReportFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[ReportFields]
);

export const CREATE_ORGANISATION = graphql(`
	mutation ManageCreateOrganisation($idempotencyKey: String!, $input: OrganisationInput!) {
		result: createOrganisation(idempotencyKey: $idempotencyKey, input: $input) {
			organisation { id version }
			userErrors { field code message }
			replayed
		}
	}
`);

export const UPDATE_ORGANISATION = graphql(`
	mutation ManageUpdateOrganisation($idempotencyKey: String!, $id: ID!, $version: Int!, $input: OrganisationInput!) {
		result: updateOrganisation(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) {
			organisation { id version }
			userErrors { field code message }
			replayed
		}
	}
`);

// ---- Mutations sent directly (they carry a password or return a secret, which never go to IndexedDB) ----

export const CREATE_USER = graphql(
	`
		mutation ManageCreateUser($idempotencyKey: String!, $input: CreateUserInput!) {
			result: createUser(idempotencyKey: $idempotencyKey, input: $input) {
				user { ...ManageUserFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[UserFields]
);

export const UPDATE_USER = graphql(
	`
		mutation ManageUpdateUser($idempotencyKey: String!, $input: UpdateUserInput!) {
			result: updateUser(idempotencyKey: $idempotencyKey, input: $input) {
				user { ...ManageUserFields }
				userErrors { field code message }
				replayed
			}
		}
	`,
	[UserFields]
);

export const CREATE_API_KEY = graphql(`
	mutation ManageCreateApiKey($idempotencyKey: String!, $input: CreateApiKeyInput!) {
		result: createApiKey(idempotencyKey: $idempotencyKey, input: $input) {
			apiKey { id name prefix rateTier createdAt lastUsedAt revokedAt }
			secret
			userErrors { field code message }
			replayed
		}
	}
`);

export const REVOKE_API_KEY = graphql(`
	mutation ManageRevokeApiKey($idempotencyKey: String!, $id: ID!) {
		result: revokeApiKey(idempotencyKey: $idempotencyKey, id: $id) {
			apiKey { id name prefix rateTier createdAt lastUsedAt revokedAt }
			userErrors { field code message }
			replayed
		}
	}
`);

// ---- Page queries -------------------------------------------------------------------

export const ALL_PROJECTS = graphql(`
	query ManageAllProjects($lang: Lang) {
		projects(first: 100) {
			edges { node { id slug status title(lang: $lang) } }
		}
	}
`);

export const PROJECT = graphql(
	`
		query ManageProject($slug: String!, $lang: Lang) {
			project(slug: $slug) {
				id
				slug
				version
				status
				sensitivity
				title(lang: $lang)
				plannedStart
				plannedEnd
				actualStart
				actualEnd
				events(orderBy: [{ field: START_DATE, direction: DESC }], first: 100) { totalCount nodes { ...ManageEventFields } }
				centres(orderBy: [{ field: NAME }], first: 100) { totalCount nodes { ...ManageCentreFields } }
				infrastructureWorks(first: 100) { totalCount nodes { ...ManageWorkFields } }
				serviceCounts { ...ManageServiceCountFields }
				validationRules { id severity definition message(lang: $lang) archived }
			}
		}
	`,
	[EventFields, CentreFields, WorkFields, ServiceCountFields]
);

export const REPORTS = graphql(
	`
		query ManageReports($projectId: ID, $status: [ReportStatus!]) {
			reports(projectId: $projectId, status: $status) { ...ManageReportFields }
		}
	`,
	[ReportFields]
);

/**
 * The approval screen: every report with what its project recorded (events with
 * their attendance totals, service counts), from which the screen shows each
 * period's figures beside the decision (an administrator reads raw counts).
 */
export const REPORTS_REVIEW = graphql(
	`
		query ManageReportsReview($lang: Lang) {
			reports {
				...ManageReportFields
				coverage { figures periodStart periodEnd counts { expected received onTime overdue } }
				ruleResults { severity reason values periodStart rule { id kind message(lang: $lang) } centre { id name(lang: $lang) } }
				outliers(lang: $lang) { centreName figure value median history periodStart }
				figureComments { figure body createdAt author { email } }
				project {
					id
					events(orderBy: [{ field: START_DATE, direction: DESC }], first: 100) { totalCount nodes { id startDate status attendance { total { value } } } }
					serviceCounts { periodStart periodEnd supportType stage unit value }
				}
			}
		}
	`,
	[ReportFields]
);

export const NODE_EVENT = graphql(
	`
		query ManageNodeEvent($id: ID!) {
			node(id: $id) { ... on Event { ...ManageEventFields } }
		}
	`,
	[EventFields]
);

export const NODE_WORK = graphql(
	`
		query ManageNodeWork($id: ID!) {
			node(id: $id) { ... on InfrastructureWork { ...ManageWorkFields } }
		}
	`,
	[WorkFields]
);

export const NODE_CENTRE = graphql(
	`
		query ManageNodeCentre($id: ID!) {
			node(id: $id) { ... on Centre { ...ManageCentreFields } }
		}
	`,
	[CentreFields]
);

export const NODE_PROJECT_COUNTS = graphql(
	`
		query ManageNodeProjectCounts($id: ID!) {
			node(id: $id) { ... on Project { id serviceCounts { ...ManageServiceCountFields } } }
		}
	`,
	[ServiceCountFields]
);

export const ORGANISATIONS = graphql(`
	query ManageOrganisations($lang: Lang) {
		organisations(first: 100) {
			edges {
				node {
					id
					version
					kind
					iatiRef
					nameAz: name(lang: AZ)
					nameEn: name(lang: EN)
					acronymAz: acronym(lang: AZ)
					acronymEn: acronym(lang: EN)
					name(lang: $lang)
					parent { id }
				}
			}
		}
	}
`);

export const AUDIT_LOG = graphql(
	`
		query ManageAuditLog($entityType: String, $entityId: String, $actorId: ID, $action: String, $from: DateTime, $to: DateTime, $before: Int, $first: Int!) {
			auditLog(entityType: $entityType, entityId: $entityId, actorId: $actorId, action: $action, from: $from, to: $to, before: $before, first: $first) {
				sequence
				action
				entityType
				entityId
				actor { ...ManageUserFields }
				before
				after
				requestId
				createdAt
			}
		}
	`,
	[UserFields]
);

export { UserFields };

export const USERS = graphql(
	`
		query ManageUsers($search: String) {
			users(search: $search) { ...ManageUserFields }
		}
	`,
	[UserFields]
);

export const API_KEYS = graphql(`
	query ManageApiKeys {
		apiKeys(includeRevoked: true) { id name prefix rateTier createdAt lastUsedAt revokedAt }
	}
`);

// ---- Webhooks (admins) --------------------------------------------------------------

export const WEBHOOKS = graphql(`
	query ManageWebhooks {
		apiKeys { id name prefix }
		webhookSubscriptions {
			id url eventKinds enabled disabledReason version createdAt
			apiKey { id name prefix }
			messages(first: 10) { id eventType state attempts lastStatusCode lastError createdAt }
		}
	}
`);

export const CREATE_WEBHOOK = graphql(`
	mutation ManageCreateWebhook($idempotencyKey: String!, $input: CreateWebhookSubscriptionInput!) {
		result: createWebhookSubscription(idempotencyKey: $idempotencyKey, input: $input) {
			subscription { id }
			secret
			userErrors { field code message }
			replayed
		}
	}
`);

export const UPDATE_WEBHOOK = graphql(`
	mutation ManageUpdateWebhook($idempotencyKey: String!, $id: ID!, $version: Int!, $input: UpdateWebhookSubscriptionInput!) {
		result: updateWebhookSubscription(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) {
			subscription { id enabled version }
			userErrors { field code message }
			replayed
		}
	}
`);

export const REPLAY_WEBHOOK = graphql(`
	mutation ManageReplayWebhook($idempotencyKey: String!, $messageId: String!) {
		result: replayWebhookMessage(idempotencyKey: $idempotencyKey, messageId: $messageId) {
			subscription { id }
			userErrors { field code message }
			replayed
		}
	}
`);

/** A programme's dated updates and period narratives, as its manager edits them. */
export const UPDATES = graphql(`
	query ManageUpdates($slug: String!, $lang: Lang) {
		project(slug: $slug) {
			id
			slug
			title(lang: $lang)
			updates(first: 50) { totalCount nodes {
				id
				version
				postedOn
				text(lang: $lang)
				textLanguage(lang: $lang)
				textAz
				textEn
				attachments { kind fileName }
			} }
			narratives {
				id
				version
				periodStart
				periodEnd
				textAz
				textEn
			}
			finances {
				version
				periodStart
				periodEnd
				budget { amount currency }
				spent { amount currency }
			}
		}
	}
`);

export const POST_PROGRAMME_UPDATE = graphql(`
	mutation ManagePostProgrammeUpdate($idempotencyKey: String!, $input: ProgrammeUpdateInput!) {
		result: postProgrammeUpdate(idempotencyKey: $idempotencyKey, input: $input) {
			update { id version }
			userErrors { field code message }
			replayed
		}
	}
`);

export const EDIT_PROGRAMME_UPDATE = graphql(`
	mutation ManageEditProgrammeUpdate($idempotencyKey: String!, $id: ID!, $version: Int!, $input: ProgrammeUpdateEditInput!) {
		result: editProgrammeUpdate(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) {
			update { id version }
			userErrors { field code message }
			replayed
		}
	}
`);

export const ARCHIVE_PROGRAMME_UPDATE = graphql(`
	mutation ManageArchiveProgrammeUpdate($idempotencyKey: String!, $id: ID!, $version: Int!) {
		result: archiveProgrammeUpdate(idempotencyKey: $idempotencyKey, id: $id, version: $version) {
			update { id version }
			userErrors { field code message }
			replayed
		}
	}
`);

export const SET_PERIOD_NARRATIVE = graphql(`
	mutation ManageSetPeriodNarrative($idempotencyKey: String!, $version: Int, $input: PeriodNarrativeInput!) {
		result: setPeriodNarrative(idempotencyKey: $idempotencyKey, version: $version, input: $input) {
			narrative { id version }
			userErrors { field code message }
			replayed
		}
	}
`);

export const SET_PERIOD_FINANCE = graphql(`
	mutation ManageSetPeriodFinance($idempotencyKey: String!, $version: Int, $input: PeriodFinanceInput!) {
		result: setPeriodFinance(idempotencyKey: $idempotencyKey, version: $version, input: $input) {
			finance { version }
			userErrors { field code message }
			replayed
		}
	}
`);

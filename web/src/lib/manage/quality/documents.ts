/**
 * GraphQL documents of reporting quality in /manage: the caller's due and
 * overdue reports, a project's reporting obligations and validation rules
 * (set up beside the programme), and a reviewer's comment on a figure.
 */

import { graphql } from '$lib/graphql';

export const DUE_REPORTS = graphql(`
	query ManageDueReports($lang: Lang) {
		dueReports {
			project { id slug title(lang: $lang) }
			centre { id name(lang: $lang) }
			figures
			periodStart
			periodEnd
			dueOn
			state
		}
	}
`);

export const QUALITY_SETUP = graphql(`
	query ManageQualitySetup($slug: String!, $lang: Lang) {
		project(slug: $slug) {
			id
			centres(orderBy: [{ field: NAME }], first: 100) { totalCount nodes { id name(lang: $lang) } }
			reportingObligations { id version unitKind centre { id name(lang: $lang) } figures frequency dueDays startsOn endsOn archived }
			validationRules { id version kind severity definition message(lang: $lang) messageAz messageEn archived indicator { id } }
		}
	}
`);

export const CREATE_OBLIGATION = graphql(`
	mutation ManageCreateObligation($idempotencyKey: String!, $projectId: ID!, $input: ReportingObligationInput!) {
		result: createReportingObligation(idempotencyKey: $idempotencyKey, projectId: $projectId, input: $input) { obligation { id } userErrors { field code message } replayed }
	}
`);

export const ARCHIVE_OBLIGATION = graphql(`
	mutation ManageArchiveObligation($idempotencyKey: String!, $id: ID!, $version: Int!, $restore: Boolean) {
		result: archiveReportingObligation(idempotencyKey: $idempotencyKey, id: $id, version: $version, restore: $restore) { obligation { id } userErrors { field code message } replayed }
	}
`);

export const CREATE_RULE = graphql(`
	mutation ManageCreateRule($idempotencyKey: String!, $projectId: ID!, $input: ValidationRuleInput!) {
		result: createValidationRule(idempotencyKey: $idempotencyKey, projectId: $projectId, input: $input) { rule { id } userErrors { field code message } replayed }
	}
`);

export const ARCHIVE_RULE = graphql(`
	mutation ManageArchiveRule($idempotencyKey: String!, $id: ID!, $version: Int!, $restore: Boolean) {
		result: archiveValidationRule(idempotencyKey: $idempotencyKey, id: $id, version: $version, restore: $restore) { rule { id } userErrors { field code message } replayed }
	}
`);

export const COMMENT_ON_FIGURE = graphql(`
	mutation ManageCommentOnFigure($idempotencyKey: String!, $reportId: ID!, $figure: String!, $body: String!) {
		result: commentOnFigure(idempotencyKey: $idempotencyKey, reportId: $reportId, figure: $figure, body: $body) { report { id } userErrors { field code message } replayed }
	}
`);

/** The caller's own notification settings (the small control on /manage). */
export const MY_MAIL_SETTINGS = graphql(`
	query ManageMyMailSettings {
		me { id version language mailNotifications }
	}
`);

export const UPDATE_MY_MAIL_SETTINGS = graphql(`
	mutation ManageUpdateMyMailSettings($idempotencyKey: String!, $input: NotificationSettingsInput!) {
		result: updateMyNotificationSettings(idempotencyKey: $idempotencyKey, input: $input) { user { id version language mailNotifications } userErrors { field code message } replayed }
	}
`);

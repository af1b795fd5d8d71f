/**
 * GraphQL documents of the programme set-up screens (/manage/programmes,
 * /manage/project/<slug>/setup, /manage/admin/boundaries), typed by gql.tada.
 * Set-up writes are sent at once (`sendDirect`), not queued: they are desk
 * work that answers with ids the next step needs (a new project's id for its
 * managers, a new source's id for a citation).
 */

import { graphql } from '$lib/graphql';

const CitationFields = graphql(`
	fragment SetupCitationFields on Citation @_unmask {
		passage
		lang
		source { id title publisher publishedOn url }
	}
`);

export const SetupProjectFields = graphql(
	`
		fragment SetupProjectFields on Project @_unmask {
			id
			version
			slug
			titleAz
			titleEn
			summaryAz: summary(lang: AZ)
			summaryEn: summary(lang: EN)
			titleLanguageAz: titleLanguage(lang: AZ)
			titleLanguageEn: titleLanguage(lang: EN)
			status
			plannedStart
			plannedEnd
			actualStart
			actualEnd
			budget { amount currency }
			sensitivity
			isPublic
			archivedAt
			beneficiaryCategories
			participants { role note(lang: EN) noteAz: note(lang: AZ) organisation { id } }
			areas { id kind name }
			managers { id email displayName }
		}
	`
);

export const SETUP_PROGRAMMES = graphql(
	`
		query SetupProgrammes($lang: Lang!) {
			projects(first: 100) {
				edges { node { ...SetupProjectFields title(lang: $lang) } }
			}
			organisations(first: 100) { edges { node { id name(lang: $lang) acronym(lang: $lang) } } }
		}
	`,
	[SetupProjectFields]
);

/** Accounts that may be assigned to a programme (administrators only). */
export const SETUP_MANAGERS = graphql(`
	query SetupManagers {
		users(role: [MANAGER], active: true) { id email displayName }
	}
`);

/** Districts, cities, settlements and villages, a page (at most 100) at a time. */
export const SETUP_AREAS = graphql(`
	query SetupAreas($lang: Lang!, $after: String) {
		areas(first: 100, after: $after, filter: { kind: [DISTRICT, CITY, SETTLEMENT, VILLAGE] }) {
			edges { node { id kind code name(lang: $lang) parent { id } } }
			pageInfo { hasNextPage endCursor }
		}
	}
`);

const IndicatorFields = graphql(
	`
		fragment SetupIndicatorFields on Indicator @_unmask {
			id
			version
			code
			titleAz
			titleEn
			unit
			countingRule
			aggregation
			baseline
			target
			targetDate
			derivedFrom
			sensitivity
			archivedAt
			targets { periodStart periodEnd dimension dimensionValue value }
			values { periodStart periodEnd dimension value { value } }
			citations { ...SetupCitationFields }
		}
	`,
	[CitationFields]
);

export const SETUP_PROJECT = graphql(
	`
		query SetupProject($slug: String!, $lang: Lang!) {
			project(slug: $slug) {
				id
				version
				slug
				title(lang: $lang)
				archivedAt
				citations { ...SetupCitationFields }
				indicators { ...SetupIndicatorFields }
				centres(orderBy: [{ field: NAME }], first: 100) {
					totalCount
					nodes {
						id version kind name(lang: $lang) status archivedAt citations { ...SetupCitationFields }
						nameAz nameEn hostBuildingAz hostBuildingEn noteAz noteEn openedOn sensitiveLocation rooms
						area { id } areasServed { id } operator { id } source { id }
					}
				}
				infrastructureWorks(first: 100) {
					totalCount
					nodes {
						id version kind title(lang: $lang) status archivedAt citations { ...SetupCitationFields }
						titleAz titleEn quantity unit progressPercent completedOn budget { amount currency } beneficiaries
						area { id } source { id }
					}
				}
				teams { id version kind name(lang: $lang) status archivedAt }
				areas { id name(lang: $lang) }
			}
			sourceDocuments { id title(lang: $lang) titleAz titleEn publisher publishedOn language url body version }
		}
	`,
	[CitationFields, IndicatorFields]
);

export const CREATE_PROJECT = graphql(
	`mutation SetupCreateProject($idempotencyKey: String!, $input: ProjectInput!) {
		result: createProject(idempotencyKey: $idempotencyKey, input: $input) { project { ...SetupProjectFields } userErrors { field code message } replayed }
	}`,
	[SetupProjectFields]
);

export const UPDATE_PROJECT = graphql(
	`mutation SetupUpdateProject($idempotencyKey: String!, $id: ID!, $version: Int!, $input: ProjectInput!) {
		result: updateProject(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) { project { ...SetupProjectFields } userErrors { field code message } replayed }
	}`,
	[SetupProjectFields]
);

export const ARCHIVE_PROJECT = graphql(
	`mutation SetupArchiveProject($idempotencyKey: String!, $id: ID!, $version: Int!, $restore: Boolean!) {
		result: archiveProject(idempotencyKey: $idempotencyKey, id: $id, version: $version, restore: $restore) { project { ...SetupProjectFields } userErrors { field code message } replayed }
	}`,
	[SetupProjectFields]
);

export const SET_MANAGERS = graphql(
	`mutation SetupSetManagers($idempotencyKey: String!, $projectId: ID!, $userIds: [ID!]!) {
		result: setProjectManagers(idempotencyKey: $idempotencyKey, projectId: $projectId, userIds: $userIds) { project { ...SetupProjectFields } userErrors { field code message } replayed }
	}`,
	[SetupProjectFields]
);

export const CREATE_ORGANISATION_DIRECT = graphql(`
	mutation SetupCreateOrganisation($idempotencyKey: String!, $input: OrganisationInput!) {
		result: createOrganisation(idempotencyKey: $idempotencyKey, input: $input) { organisation { id name(lang: EN) } userErrors { field code message } replayed }
	}
`);

export const CREATE_AREA = graphql(`
	mutation SetupCreateArea($idempotencyKey: String!, $input: AreaInput!) {
		result: createArea(idempotencyKey: $idempotencyKey, input: $input) { area { id kind code name parent { id } } userErrors { field code message } replayed }
	}
`);

export const CREATE_INDICATOR = graphql(
	`mutation SetupCreateIndicator($idempotencyKey: String!, $projectId: ID!, $input: IndicatorInput!) {
		result: createIndicator(idempotencyKey: $idempotencyKey, projectId: $projectId, input: $input) { indicator { ...SetupIndicatorFields } userErrors { field code message } replayed }
	}`,
	[IndicatorFields]
);

export const UPDATE_INDICATOR = graphql(
	`mutation SetupUpdateIndicator($idempotencyKey: String!, $id: ID!, $version: Int!, $input: IndicatorInput!) {
		result: updateIndicator(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) { indicator { ...SetupIndicatorFields } userErrors { field code message } replayed }
	}`,
	[IndicatorFields]
);

export const ARCHIVE_INDICATOR = graphql(
	`mutation SetupArchiveIndicator($idempotencyKey: String!, $id: ID!, $version: Int!, $restore: Boolean!) {
		result: archiveIndicator(idempotencyKey: $idempotencyKey, id: $id, version: $version, restore: $restore) { indicator { ...SetupIndicatorFields } userErrors { field code message } replayed }
	}`,
	[IndicatorFields]
);

export const SET_TARGETS = graphql(
	`mutation SetupSetTargets($idempotencyKey: String!, $id: ID!, $version: Int!, $targets: [IndicatorTargetInput!]!) {
		result: setIndicatorTargets(idempotencyKey: $idempotencyKey, id: $id, version: $version, targets: $targets) { indicator { ...SetupIndicatorFields } userErrors { field code message } replayed }
	}`,
	[IndicatorFields]
);

export const RECORD_VALUES = graphql(
	`mutation SetupRecordValues($idempotencyKey: String!, $indicatorId: ID!, $input: IndicatorValuesInput!) {
		result: recordIndicatorValues(idempotencyKey: $idempotencyKey, indicatorId: $indicatorId, input: $input) { indicator { ...SetupIndicatorFields } userErrors { field code message } replayed }
	}`,
	[IndicatorFields]
);

export const RULE_PREVIEW = graphql(`
	query SetupRulePreview($projectId: ID!, $rule: String!, $unit: CountUnit, $aggregation: Aggregation) {
		indicatorRulePreview(projectId: $projectId, rule: $rule, unit: $unit, aggregation: $aggregation) {
			asOf
			actual { value suppressed protection withheldBelow }
		}
	}
`);

export const CREATE_CENTRE = graphql(`
	mutation SetupCreateCentre($idempotencyKey: String!, $projectId: ID!, $input: CentreInput!) {
		result: createCentre(idempotencyKey: $idempotencyKey, projectId: $projectId, input: $input) { centre { id version } userErrors { field code message } replayed }
	}
`);

export const ARCHIVE_CENTRE = graphql(`
	mutation SetupArchiveCentre($idempotencyKey: String!, $id: ID!, $version: Int!, $restore: Boolean!) {
		result: archiveCentre(idempotencyKey: $idempotencyKey, id: $id, version: $version, restore: $restore) { centre { id version } userErrors { field code message } replayed }
	}
`);

export const UPDATE_CENTRE = graphql(`
	mutation SetupUpdateCentre($idempotencyKey: String!, $id: ID!, $version: Int!, $input: CentreInput!) {
		result: updateCentre(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) { centre { id version } userErrors { field code message } replayed }
	}
`);

export const CREATE_WORK = graphql(`
	mutation SetupCreateWork($idempotencyKey: String!, $projectId: ID!, $input: InfrastructureWorkInput!) {
		result: createInfrastructureWork(idempotencyKey: $idempotencyKey, projectId: $projectId, input: $input) { infrastructureWork { id version } userErrors { field code message } replayed }
	}
`);

export const ARCHIVE_WORK = graphql(`
	mutation SetupArchiveWork($idempotencyKey: String!, $id: ID!, $version: Int!, $restore: Boolean!) {
		result: archiveInfrastructureWork(idempotencyKey: $idempotencyKey, id: $id, version: $version, restore: $restore) { infrastructureWork { id version } userErrors { field code message } replayed }
	}
`);

export const UPDATE_WORK = graphql(`
	mutation SetupUpdateWork($idempotencyKey: String!, $id: ID!, $version: Int!, $input: InfrastructureWorkInput!) {
		result: updateInfrastructureWork(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) { infrastructureWork { id version } userErrors { field code message } replayed }
	}
`);

export const ARCHIVE_TEAM = graphql(`
	mutation SetupArchiveTeam($idempotencyKey: String!, $id: ID!, $version: Int!, $restore: Boolean!) {
		result: archiveTeam(idempotencyKey: $idempotencyKey, id: $id, version: $version, restore: $restore) { team { id version } userErrors { field code message } replayed }
	}
`);

export const DELETE_RECORD = graphql(`
	mutation SetupDeleteRecord($idempotencyKey: String!, $id: ID!, $version: Int) {
		result: deleteRecord(idempotencyKey: $idempotencyKey, id: $id, version: $version) { deletedId userErrors { field code message } replayed }
	}
`);

export const CREATE_TEAM = graphql(`
	mutation SetupCreateTeam($idempotencyKey: String!, $projectId: ID!, $input: TeamInput!) {
		result: createTeam(idempotencyKey: $idempotencyKey, projectId: $projectId, input: $input) { team { id } userErrors { field code message } replayed }
	}
`);

export const CREATE_SOURCE = graphql(`
	mutation SetupCreateSource($idempotencyKey: String!, $input: SourceDocumentInput!) {
		result: createSourceDocument(idempotencyKey: $idempotencyKey, input: $input) { sourceDocument { id version } userErrors { field code message } replayed }
	}
`);

export const UPDATE_SOURCE = graphql(`
	mutation SetupUpdateSource($idempotencyKey: String!, $id: ID!, $version: Int!, $input: SourceDocumentInput!) {
		result: updateSourceDocument(idempotencyKey: $idempotencyKey, id: $id, version: $version, input: $input) { sourceDocument { id version } userErrors { field code message } replayed }
	}
`);

export const CITE_SOURCE = graphql(
	`mutation SetupCiteSource($idempotencyKey: String!, $input: CitationInput!) {
		result: citeSource(idempotencyKey: $idempotencyKey, input: $input) { citations { ...SetupCitationFields } userErrors { field code message } replayed }
	}`,
	[CitationFields]
);

export const REMOVE_CITATION = graphql(
	`mutation SetupRemoveCitation($idempotencyKey: String!, $entityId: ID!, $sourceDocumentId: ID!) {
		result: removeCitation(idempotencyKey: $idempotencyKey, entityId: $entityId, sourceDocumentId: $sourceDocumentId) { citations { ...SetupCitationFields } userErrors { field code message } replayed }
	}`,
	[CitationFields]
);

export const UPLOAD_BOUNDARIES = graphql(`
	mutation SetupUploadBoundaries($idempotencyKey: String!, $kind: AreaKind!, $geojson: String!, $dryRun: Boolean!) {
		result: uploadAreaBoundaries(idempotencyKey: $idempotencyKey, kind: $kind, geojson: $geojson, dryRun: $dryRun) {
			features { index label areaId problem }
			userErrors { field code message }
			replayed
		}
	}
`);

//! What each CSV export writes: the columns of every root list, the query
//! parameters each export takes, and the HXL hashtags of the statistics
//! dimensions. Data only; `csv.rs` runs the exports.

/// How a query parameter becomes a filter field.
#[derive(Clone, Copy)]
pub(crate) enum Param {
    /// Text or global ID, as given.
    Text,
    /// An integer.
    Int,
    /// One code value.
    Code,
    /// Comma-separated code values.
    Codes,
}

/// A column: header, where its value is in a node, HXL hashtag.
pub(crate) struct Column {
    pub(crate) header: &'static str,
    pub(crate) path: &'static str,
    pub(crate) hxl: &'static str,
}

pub(crate) const fn col(header: &'static str, path: &'static str, hxl: &'static str) -> Column {
    Column { header, path, hxl }
}

/// A root list and how it is written.
pub(crate) struct ListSpec {
    pub(crate) name: &'static str,
    pub(crate) field: &'static str,
    pub(crate) filter_type: &'static str,
    pub(crate) params: &'static [(&'static str, Param)],
    pub(crate) selection: &'static str,
    pub(crate) columns: &'static [Column],
}

use Param::*;

pub(crate) const OWNED: &[(&str, Param)] = &[
    ("search", Text),
    ("project", Text),
    ("organisation", Text),
    ("role", Code),
    ("kind", Codes),
    ("status", Codes),
    ("area", Text),
];

pub(crate) const LISTS: &[ListSpec] = &[
    ListSpec {
        name: "projects",
        field: "projects",
        filter_type: "ProjectFilter",
        params: &[
            ("search", Text),
            ("status", Codes),
            ("sensitivity", Code),
            ("organisation", Text),
            ("role", Code),
            ("area", Text),
        ],
        selection: "id slug iatiIdentifier title(lang: $lang) status sensitivity plannedStart plannedEnd \
                    actualStart actualEnd budget { amount currency } \
                    participants { role organisation { name(lang: $lang) } } areas { name(lang: $lang) } \
                    source { reference }",
        columns: &[
            col("id", "id", "#activity+id"),
            col("slug", "slug", "#activity+code"),
            col("iati_identifier", "iatiIdentifier", "#activity+code+iati"),
            col("title", "title", "#activity+name"),
            col("status", "status", "#status"),
            col("sensitivity", "sensitivity", "#meta+sensitivity"),
            col("planned_start", "plannedStart", "#date+start+planned"),
            col("planned_end", "plannedEnd", "#date+end+planned"),
            col("actual_start", "actualStart", "#date+start"),
            col("actual_end", "actualEnd", "#date+end"),
            col("budget", "budget.amount", "#value+budget"),
            col("currency", "budget.currency", "#currency"),
            col(
                "organisations",
                "participants[].organisation.name",
                "#org+name",
            ),
            col("roles", "participants[].role", "#org+role"),
            col("areas", "areas[].name", "#adm2+name"),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "centres",
        field: "centres",
        filter_type: "CentreFilter",
        params: OWNED,
        selection: "id name(lang: $lang) kind status openedOn rooms hostBuilding(lang: $lang) \
                    sensitiveLocation area { code name(lang: $lang) } operator { name(lang: $lang) } \
                    project { slug title(lang: $lang) } source { reference }",
        columns: &[
            col("id", "id", "#loc+id"),
            col("name", "name", "#loc+name"),
            col("kind", "kind", "#loc+type"),
            col("status", "status", "#status"),
            col("opened_on", "openedOn", "#date+opened"),
            col("rooms", "rooms", "#capacity+rooms"),
            col("host_building", "hostBuilding", "#loc+building"),
            col("sensitive_location", "sensitiveLocation", "#meta+sensitive"),
            col("area_code", "area.code", "#adm2+code"),
            col("area", "area.name", "#adm2+name"),
            col("operator", "operator.name", "#org+name"),
            col("project", "project.slug", "#activity+code"),
            col("project_title", "project.title", "#activity+name"),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "events",
        field: "events",
        filter_type: "EventFilter",
        params: &[
            ("search", Text),
            ("project", Text),
            ("organisation", Text),
            ("role", Code),
            ("centre", Text),
            ("kind", Codes),
            ("status", Codes),
            ("area", Text),
        ],
        selection: "id title(lang: $lang) kind status startDate endDate capacity \
                    areas { name(lang: $lang) } centre { name(lang: $lang) } \
                    project { slug title(lang: $lang) } attendance { total { value suppressed } } \
                    source { reference }",
        columns: &[
            col("id", "id", "#event+id"),
            col("title", "title", "#event+name"),
            col("kind", "kind", "#event+type"),
            col("status", "status", "#status"),
            col("start_date", "startDate", "#date+start"),
            col("end_date", "endDate", "#date+end"),
            col("capacity", "capacity", "#capacity"),
            col("areas", "areas[].name", "#adm2+name"),
            col("centre", "centre.name", "#loc+name"),
            col("project", "project.slug", "#activity+code"),
            col("project_title", "project.title", "#activity+name"),
            col("participants", "attendance.total.value", "#reached"),
            col(
                "participants_suppressed",
                "attendance.total.suppressed",
                "#meta+suppressed",
            ),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "infrastructure-works",
        field: "infrastructureWorks",
        filter_type: "InfrastructureWorkFilter",
        params: OWNED,
        selection: "id title(lang: $lang) kind status progressPercent completedOn quantity unit \
                    beneficiaries area { code name(lang: $lang) } project { slug title(lang: $lang) } \
                    source { reference }",
        columns: &[
            col("id", "id", "#output+id"),
            col("title", "title", "#output+name"),
            col("kind", "kind", "#output+type"),
            col("status", "status", "#status"),
            col(
                "progress_percent",
                "progressPercent",
                "#indicator+progress+pct",
            ),
            col("completed_on", "completedOn", "#date+completed"),
            col("quantity", "quantity", "#output+num"),
            col("unit", "unit", "#output+unit"),
            col("beneficiaries", "beneficiaries", "#targeted"),
            col("area_code", "area.code", "#loc+code"),
            col("area", "area.name", "#loc+name"),
            col("project", "project.slug", "#activity+code"),
            col("project_title", "project.title", "#activity+name"),
            col("source", "source.reference", "#meta+source"),
        ],
    },
    ListSpec {
        name: "organisations",
        field: "organisations",
        filter_type: "OrganisationFilter",
        params: &[
            ("search", Text),
            ("kind", Codes),
            ("project", Text),
            ("role", Code),
        ],
        selection: "id name(lang: $lang) acronym(lang: $lang) kind iatiRef parent { name(lang: $lang) }",
        columns: &[
            col("id", "id", "#org+id"),
            col("name", "name", "#org+name"),
            col("acronym", "acronym", "#org+acronym"),
            col("kind", "kind", "#org+type"),
            col("iati_ref", "iatiRef", "#org+code"),
            col("parent", "parent.name", "#org+name+parent"),
        ],
    },
    ListSpec {
        name: "areas",
        field: "areas",
        filter_type: "AreaFilter",
        params: &[
            ("search", Text),
            ("kind", Codes),
            ("code", Text),
            ("parent", Text),
            ("within", Text),
        ],
        selection: "id code name(lang: $lang) kind lat lon parent { code name(lang: $lang) }",
        columns: &[
            col("id", "id", "#loc+id"),
            col("code", "code", "#loc+code"),
            col("name", "name", "#loc+name"),
            col("kind", "kind", "#loc+type"),
            col("lat", "lat", "#geo+lat"),
            col("lon", "lon", "#geo+lon"),
            col("parent_code", "parent.code", "#loc+code+parent"),
            col("parent", "parent.name", "#loc+name+parent"),
        ],
    },
];

pub(crate) const STATS_PARAMS: &[(&str, Param)] = &[
    ("project", Text),
    ("organisation", Text),
    ("centre", Text),
    ("district", Text),
    ("event", Text),
    ("area", Text),
    ("eventKind", Code),
    ("sex", Code),
    ("ageBand", Code),
    ("disability", Code),
    ("category", Code),
    ("supportType", Code),
    ("channel", Code),
    ("stage", Code),
    ("unit", Code),
    ("year", Int),
    ("quarter", Text),
    ("month", Text),
];

pub(crate) const FACILITY_PARAMS: &[(&str, Param)] = &[
    ("project", Text),
    ("area", Text),
    ("kind", Codes),
    ("status", Codes),
];

/// HXL hashtags of a statistics dimension's code and name columns.
pub(crate) fn dimension_hxl(dimension: &str) -> (&'static str, &'static str) {
    match dimension {
        "PROJECT" => ("#activity+code", "#activity+name"),
        "ORGANISATION" => ("#org+code", "#org+name"),
        "CENTRE" => ("#loc+code", "#loc+name"),
        "DISTRICT" => ("#adm2+code", "#adm2+name"),
        "EVENT" => ("#event+code", "#event+name"),
        "EVENT_KIND" => ("#event+type+code", "#event+type+name"),
        "SEX" => ("#meta+sex+code", "#meta+sex+name"),
        "AGE_BAND" => ("#meta+age+code", "#meta+age+name"),
        "DISABILITY" => ("#meta+disability+code", "#meta+disability+name"),
        "CATEGORY" => ("#beneficiary+type+code", "#beneficiary+type+name"),
        "MONTH" => ("#date+month", "#date+month+name"),
        "QUARTER" => ("#date+quarter", "#date+quarter+name"),
        "YEAR" => ("#date+year", "#date+year+name"),
        "SUPPORT_TYPE" => ("#sector+code", "#sector+name"),
        "CHANNEL" => ("#meta+channel+code", "#meta+channel+name"),
        "STAGE" => ("#meta+stage+code", "#meta+stage+name"),
        "UNIT" => ("#meta+unit+code", "#meta+unit+name"),
        "KIND" => ("#output+type+code", "#output+type+name"),
        "STATUS" => ("#status+code", "#status+name"),
        _ => ("#meta+code", "#meta+name"),
    }
}

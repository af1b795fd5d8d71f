//! Importing IATI 2.03 activity files (a donor's own publication, or our own
//! export at `/export/iati.xml`): projects matched by `iati-identifier`,
//! participating organisations by `ref` or name, locations mapped to areas,
//! results with their indicators' baselines, targets and actuals per period,
//! dates and budgets.
//!
//! The same rules as spreadsheets ([`super`]): a dry run that names every
//! activity's outcome (created, updated, unchanged, refused with a code on
//! the named element), then a confirmation bound to the file and the data
//! version that stores exactly that, whole or not at all, once per
//! idempotency key. Every write goes through the set-up services the API's
//! mutations use (`create_project`, `update_project`, `create_organisation`,
//! `create_indicator`, `update_indicator`, `set_indicator_targets`,
//! `record_indicator_values`), each activity in a savepoint; an activity
//! whose writes change nothing is rolled back and reported unchanged.
//!
//! Only administrators import IATI files: an activity may create a project.
//!
//! Reading is strict and bounded before anything is stored:
//! - the file is at most [`super::read::MAX_FILE_BYTES`], nested at most
//!   [`MAX_DEPTH`] deep, with at most [`MAX_ELEMENTS`] elements and
//!   [`MAX_ACTIVITIES`] activities;
//! - a document type declaration is refused (no DTD, so no entity can be
//!   declared or expanded: the "billion laughs" cannot start), and only the
//!   five predefined entities and character references are read;
//! - the root is `iati-activities` with `version="2.03"`; the elements read
//!   are checked against the 2.03 schema's structure (required children and
//!   attributes) and codelists (ActivityStatus, ActivityDateType,
//!   OrganisationRole, OrganisationType, ResultType, IndicatorMeasure,
//!   currencies as three capital letters). Elements we do not read
//!   (sectors, transactions, document links…) are passed over.
//!
//! Known limits: values are whole numbers (the hub stores counts; a decimal
//! value is refused on its element); an indicator's unit of count is not in
//! IATI, so a new one counts persons (the protected unit) until a manager
//! changes it; a location must name an area the hub knows (by its ISO code
//! or its name); only unit measures (`measure="1"`) are read.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use quick_xml::Reader;
use quick_xml::events::Event;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use entities::codes::*;
use entities::{
    area, indicator, indicator_target, indicator_value, organisation, project, project_area,
    project_participant,
};

use super::read::{FileProblem, MAX_FILE_BYTES};
use super::{ImportError, Progress, RowError, RowReport, RowStatus, Totals, code_text};
use crate::search::fold;
use crate::services::admin::{self, OrganisationFields};
use crate::services::setup::indicators::{
    self as ind, BreakdownValue, IndicatorFields, PeriodValues,
};
use crate::services::setup::projects::{self as proj, Participant, ProjectFields, valid_slug};
use crate::services::{
    Actor, Outcome, ServiceError, ServiceResult, UserError, UserErrorCode, audit, run_idempotent,
};

/// Deepest nesting read (the 2.03 elements we read are at most 6 deep).
pub const MAX_DEPTH: usize = 32;
/// Elements in one file.
pub const MAX_ELEMENTS: usize = 500_000;
/// Activities in one file.
pub const MAX_ACTIVITIES: usize = 2_000;
/// Characters of one text or attribute value.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// One element of the file, with its children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
    line: u32,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The narratives of an element: (English or unmarked, Azerbaijani).
    fn narratives(&self, default_lang: &str) -> (Option<String>, Option<String>) {
        let mut en = None;
        let mut az = None;
        let mut other = None;
        for n in self.all("narrative") {
            let text = n.text.trim().to_string();
            if text.is_empty() {
                continue;
            }
            match n.attr("xml:lang").unwrap_or(default_lang) {
                "az" => az = az.or(Some(text)),
                "en" => en = en.or(Some(text)),
                _ => other = other.or(Some(text)),
            }
        }
        (en.or(other), az)
    }
}

fn problem(code: &'static str, message: impl Into<String>) -> FileProblem {
    FileProblem {
        code,
        message: message.into(),
    }
}

/// Reads the document into a tree, refusing DTDs, unknown entities, too
/// deep nesting and too many elements.
fn parse_tree(bytes: &[u8]) -> Result<Node, FileProblem> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(problem(
            "FILE_TOO_LARGE",
            format!(
                "the file is larger than {} MB: split it",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    let mut reader = Reader::from_reader(bytes);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;
    let line_of = |pos: u64| -> u32 {
        let end = (pos as usize).min(bytes.len());
        1 + bytes[..end].iter().filter(|b| **b == b'\n').count() as u32
    };
    let bad = |pos: u64, e: &dyn std::fmt::Display| {
        problem(
            "INVALID_XML",
            format!(
                "the file is not well-formed XML near line {}: {e}",
                line_of(pos)
            ),
        )
    };
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut elements = 0usize;
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|e| bad(pos, &e))?;
        match event {
            Event::Start(e) => {
                elements += 1;
                if elements > MAX_ELEMENTS {
                    return Err(problem(
                        "TOO_MANY_ELEMENTS",
                        format!("the file has more than {MAX_ELEMENTS} elements: split it"),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(problem(
                        "TOO_DEEP",
                        format!(
                            "elements are nested more than {MAX_DEPTH} deep (line {})",
                            line_of(pos)
                        ),
                    ));
                }
                if root.is_some() {
                    return Err(problem(
                        "INVALID_XML",
                        "the file has more than one root element",
                    ));
                }
                let name = std::str::from_utf8(e.name().as_ref())
                    .map_err(|e| bad(pos, &e))?
                    .to_string();
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|e| bad(pos, &e))?;
                    let key = std::str::from_utf8(a.key.as_ref())
                        .map_err(|e| bad(pos, &e))?
                        .to_string();
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| bad(pos, &e))?;
                    if value.chars().count() > MAX_TEXT_CHARS {
                        return Err(problem(
                            "TEXT_TOO_LONG",
                            format!("an attribute on line {} is too long", line_of(pos)),
                        ));
                    }
                    attrs.push((key, value.into_owned()));
                }
                stack.push(Node {
                    name,
                    attrs,
                    line: line_of(pos),
                    ..Node::default()
                });
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| bad(pos, &"unexpected end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| bad(pos, &e))?;
                push_text(&mut stack, &text, pos, &bad)?;
            }
            Event::CData(t) => {
                let text = t.decode().map_err(|e| bad(pos, &e))?;
                push_text(&mut stack, &text, pos, &bad)?;
            }
            Event::GeneralRef(r) => {
                let ch = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(|e| bad(pos, &e))?
                } else {
                    None
                };
                let text = match ch {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| bad(pos, &e))?;
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(problem(
                                    "INVALID_XML",
                                    format!(
                                        "the entity &{name}; on line {} is not defined (only XML's own five are read)",
                                        line_of(pos)
                                    ),
                                ));
                            }
                        }
                    }
                };
                push_text(&mut stack, &text, pos, &bad)?;
            }
            Event::DocType(_) => {
                return Err(problem(
                    "XML_DOCTYPE",
                    "the file declares a document type (DTD); IATI files have none, and entities declared in one are not read",
                ));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::Empty(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(problem("INVALID_XML", "the file ends inside an element"));
    }
    root.ok_or_else(|| problem("INVALID_XML", "the file has no root element"))
}

fn push_text(
    stack: &mut [Node],
    text: &str,
    pos: u64,
    bad: &dyn Fn(u64, &dyn std::fmt::Display) -> FileProblem,
) -> Result<(), FileProblem> {
    match stack.last_mut() {
        Some(node) => {
            if node.text.len() + text.len() > MAX_TEXT_CHARS * 4 {
                return Err(problem("TEXT_TOO_LONG", "a text in the file is too long"));
            }
            node.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(bad(pos, &"text outside the root element")),
    }
}

/// A participating organisation as the file names it.
#[derive(Debug, Clone, Serialize)]
struct OrgRef {
    role: ParticipantRole,
    reference: Option<String>,
    kind: OrganisationKind,
    name_en: Option<String>,
    name_az: Option<String>,
}

/// A location as the file names it.
#[derive(Debug, Clone, Serialize)]
struct Place {
    reference: Option<String>,
    name_en: Option<String>,
    name_az: Option<String>,
}

/// One indicator period.
#[derive(Debug, Clone, Serialize)]
struct Period {
    start: NaiveDate,
    end: NaiveDate,
    target: Option<i64>,
    actual: Option<i64>,
    breakdown: Vec<(String, String, i64)>,
}

/// One result's indicator.
#[derive(Debug, Clone, Serialize)]
struct Indicator {
    title_en: String,
    title_az: Option<String>,
    baseline: Option<i64>,
    baseline_date: Option<NaiveDate>,
    periods: Vec<Period>,
}

/// One activity, read and checked.
#[derive(Debug, Clone, Serialize)]
struct Activity {
    identifier: String,
    title_en: String,
    title_az: Option<String>,
    summary_en: Option<String>,
    summary_az: Option<String>,
    status: ProjectStatus,
    planned_start: Option<NaiveDate>,
    actual_start: Option<NaiveDate>,
    planned_end: Option<NaiveDate>,
    actual_end: Option<NaiveDate>,
    budget: Option<(i64, String)>,
    participants: Vec<OrgRef>,
    places: Vec<Place>,
    indicators: Vec<Indicator>,
}

/// An activity of the file: its line, its identifier, and either what it
/// holds or why it cannot be read.
struct Entry {
    line: u32,
    key: String,
    read: Result<Activity, Vec<RowError>>,
}

/// An IATI file read and checked, ready to preview or confirm.
pub struct Prepared {
    entries: Vec<Entry>,
    digest: String,
    /// The deployment's IATI publisher prefix: an identifier
    /// `<prefix>-<slug>` is the one our own export gives a programme with no
    /// registered identifier, so it names that programme.
    prefix: Option<String>,
}

impl Prepared {
    /// The file's SHA-256, hex.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Activities in the file.
    pub fn activities(&self) -> usize {
        self.entries.len()
    }
}

/// True when the bytes look like an XML document (for `api import`).
pub fn looks_like_xml(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    text[start..].starts_with(b"<")
}

struct Checker {
    errors: Vec<RowError>,
}

impl Checker {
    fn err(&mut self, column: impl Into<String>, code: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            column: column.into(),
            code: code.to_string(),
            message: message.into(),
        });
    }

    fn date(&mut self, node: &Node, attr: &str, at: &str) -> Option<NaiveDate> {
        let Some(text) = node.attr(attr) else {
            self.err(
                format!("{at}/@{attr}"),
                "REQUIRED",
                format!("{at} needs {attr}"),
            );
            return None;
        };
        match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) if (1900..=2200).contains(&chrono::Datelike::year(&d)) => Some(d),
            _ => {
                self.err(
                    format!("{at}/@{attr}"),
                    "INVALID",
                    format!("{text:?} is not a date such as 2024-01-31 between 1900 and 2200"),
                );
                None
            }
        }
    }

    /// A whole number that fits a count (decimals such as `12.0` are read
    /// when they are whole).
    fn number(&mut self, text: Option<&str>, at: &str) -> Option<i64> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            self.err(at, "REQUIRED", format!("{at} needs a value"));
            return None;
        };
        let whole = text
            .strip_suffix(".0")
            .or_else(|| text.strip_suffix(".00"))
            .unwrap_or(text);
        match whole.parse::<i64>() {
            Ok(v) if (0..=crate::services::bounds::SERVICE_COUNT.max).contains(&v) => Some(v),
            Ok(_) => {
                self.err(
                    at,
                    "OUT_OF_RANGE",
                    format!(
                        "{text} is not a count the hub stores (0 to {})",
                        crate::services::bounds::SERVICE_COUNT.max
                    ),
                );
                None
            }
            Err(_) => {
                self.err(
                    at,
                    "INVALID",
                    format!("{text:?} is not a whole number (the hub stores counts)"),
                );
                None
            }
        }
    }

    fn code<T: Copy>(
        &mut self,
        node: &Node,
        attr: &str,
        at: &str,
        table: &[(&str, T)],
        list: &str,
    ) -> Option<T> {
        let Some(code) = node.attr(attr) else {
            self.err(
                format!("{at}/@{attr}"),
                "REQUIRED",
                format!("{at} needs {attr}"),
            );
            return None;
        };
        match table.iter().find(|(c, _)| *c == code) {
            Some((_, v)) => Some(*v),
            None => {
                self.err(
                    format!("{at}/@{attr}"),
                    "NOT_IN_CODELIST",
                    format!("{code:?} is not in the IATI {list} codelist (or not one the hub reads: {})", table.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")),
                );
                None
            }
        }
    }
}

const STATUS: &[(&str, ProjectStatus)] = &[
    ("1", ProjectStatus::Pipeline),
    ("2", ProjectStatus::Implementation),
    ("3", ProjectStatus::Finalisation),
    ("4", ProjectStatus::Closed),
    ("5", ProjectStatus::Cancelled),
    ("6", ProjectStatus::Suspended),
];

const ROLE: &[(&str, ParticipantRole)] = &[
    ("1", ParticipantRole::Funding),
    ("2", ParticipantRole::Accountable),
    ("3", ParticipantRole::Extending),
    ("4", ParticipantRole::Implementing),
];

/// IATI OrganisationType codes, mapped to the hub's kinds (the inverse of
/// the export's mapping where it has one).
const ORG_TYPE: &[(&str, OrganisationKind)] = &[
    ("10", OrganisationKind::Government),
    ("11", OrganisationKind::Government),
    ("15", OrganisationKind::Government),
    ("21", OrganisationKind::RedCrossRedCrescent),
    ("22", OrganisationKind::Ngo),
    ("23", OrganisationKind::Ngo),
    ("24", OrganisationKind::Ngo),
    ("30", OrganisationKind::InternationalOrganisation),
    ("40", OrganisationKind::UnAgency),
    ("60", OrganisationKind::Donor),
    ("70", OrganisationKind::Donor),
    ("71", OrganisationKind::Donor),
    ("72", OrganisationKind::Donor),
    ("73", OrganisationKind::Donor),
    ("80", OrganisationKind::InternationalOrganisation),
    ("90", OrganisationKind::Donor),
];

const DATE_TYPES: &[(&str, u8)] = &[("1", 1), ("2", 2), ("3", 3), ("4", 4)];
const RESULT_TYPES: &[(&str, u8)] = &[("1", 1), ("2", 2), ("3", 3), ("9", 9)];
const MEASURES: &[(&str, u8)] = &[("1", 1)];
/// Sex dimension values the export writes and the hub's breakdowns read.
const DIMENSIONS: &[&str] = &["sex", "age_band", "disability", "category"];

fn read_activity(node: &Node, default_lang: &str) -> Result<Activity, Vec<RowError>> {
    let lang = node.attr("xml:lang").unwrap_or(default_lang).to_string();
    let mut c = Checker { errors: Vec::new() };
    let identifier = node
        .child("iati-identifier")
        .map(|n| n.text.trim().to_string())
        .filter(|t| !t.is_empty());
    if identifier.is_none() {
        c.err(
            "iati-identifier",
            "REQUIRED",
            "an activity needs its iati-identifier",
        );
    }
    if identifier
        .as_ref()
        .is_some_and(|i| i.len() > 200 || i.chars().any(char::is_whitespace))
    {
        c.err(
            "iati-identifier",
            "INVALID",
            "an iati-identifier is one word of at most 200 characters",
        );
    }
    if node.child("reporting-org").is_none() {
        c.err(
            "reporting-org",
            "REQUIRED",
            "an activity needs its reporting-org",
        );
    }
    let (title_en, title_az) = node
        .child("title")
        .map(|t| t.narratives(&lang))
        .unwrap_or_default();
    let title_en = title_en.or(title_az.clone());
    if title_en.is_none() {
        c.err(
            "title",
            "REQUIRED",
            "an activity needs a title with a narrative",
        );
    }
    let (summary_en, summary_az) = node
        .all("description")
        .find(|d| d.attr("type").unwrap_or("1") == "1")
        .map(|d| d.narratives(&lang))
        .unwrap_or_default();
    let status = match node.child("activity-status") {
        Some(s) => c.code(s, "code", "activity-status", STATUS, "ActivityStatus"),
        None => {
            c.err(
                "activity-status",
                "REQUIRED",
                "an activity needs its activity-status",
            );
            None
        }
    };
    let mut dates: [Option<NaiveDate>; 5] = [None; 5];
    for d in node.all("activity-date") {
        let kind = c.code(d, "type", "activity-date", DATE_TYPES, "ActivityDateType");
        let date = c.date(d, "iso-date", "activity-date");
        if let (Some(k), Some(date)) = (kind, date) {
            dates[k as usize] = Some(date);
        }
    }
    if dates[1].is_none() && dates[2].is_none() {
        c.err(
            "activity-date",
            "REQUIRED",
            "an activity needs a planned or actual start date (type 1 or 2)",
        );
    }
    let default_currency = node.attr("default-currency").map(str::to_string);
    let mut participants = Vec::new();
    for (i, p) in node.all("participating-org").enumerate() {
        let at = format!("participating-org[{}]", i + 1);
        let role = c.code(p, "role", &at, ROLE, "OrganisationRole");
        let kind = match p.attr("type") {
            Some(_) => c.code(p, "type", &at, ORG_TYPE, "OrganisationType"),
            None => Some(OrganisationKind::Donor),
        };
        let (name_en, name_az) = p.narratives(&lang);
        let reference = p.attr("ref").map(str::to_string);
        if reference.is_none() && name_en.is_none() && name_az.is_none() {
            c.err(
                at.clone(),
                "REQUIRED",
                "a participating-org needs a ref or a narrative name",
            );
        }
        if let (Some(role), Some(kind)) = (role, kind) {
            participants.push(OrgRef {
                role,
                reference,
                kind,
                name_en,
                name_az,
            });
        }
    }
    if participants.is_empty()
        && c.errors
            .iter()
            .all(|e| !e.column.starts_with("participating-org"))
    {
        c.err(
            "participating-org",
            "REQUIRED",
            "an activity needs at least one participating-org",
        );
    }
    let mut places = Vec::new();
    for l in node.all("location") {
        let (name_en, name_az) = l
            .child("name")
            .map(|n| n.narratives(&lang))
            .unwrap_or_default();
        places.push(Place {
            reference: l.attr("ref").map(str::to_string),
            name_en,
            name_az,
        });
    }
    let mut budget = None;
    for (i, b) in node.all("budget").enumerate() {
        let at = format!("budget[{}]", i + 1);
        let (Some(_), Some(_)) = (b.child("period-start"), b.child("period-end")) else {
            c.err(at, "REQUIRED", "a budget needs period-start and period-end");
            continue;
        };
        let Some(v) = b.child("value") else {
            c.err(format!("{at}/value"), "REQUIRED", "a budget needs a value");
            continue;
        };
        c.date(v, "value-date", &format!("{at}/value"));
        let currency = v
            .attr("currency")
            .map(str::to_string)
            .or(default_currency.clone());
        let currency = match currency {
            Some(cur) if cur.len() == 3 && cur.bytes().all(|b| b.is_ascii_uppercase()) => Some(cur),
            Some(cur) => {
                c.err(
                    format!("{at}/value/@currency"),
                    "NOT_IN_CODELIST",
                    format!("{cur:?} is not a currency code such as USD"),
                );
                None
            }
            None => {
                c.err(
                    format!("{at}/value/@currency"),
                    "REQUIRED",
                    "a budget needs a currency (on its value or the activity's default-currency)",
                );
                None
            }
        };
        let amount = c.number(Some(&v.text), &format!("{at}/value"));
        // The hub keeps one budget per programme: the first original one.
        if let (Some(a), Some(cur), None) = (amount, currency, &budget)
            && b.attr("type").unwrap_or("1") == "1"
        {
            budget = Some((a, cur));
        }
    }
    let mut indicators = Vec::new();
    for (ri, r) in node.all("result").enumerate() {
        let rat = format!("result[{}]", ri + 1);
        c.code(r, "type", &rat, RESULT_TYPES, "ResultType");
        for (ii, i) in r.all("indicator").enumerate() {
            let at = format!("{rat}/indicator[{}]", ii + 1);
            if c.code(i, "measure", &at, MEASURES, "IndicatorMeasure (unit only)")
                .is_none()
            {
                continue;
            }
            let (t_en, t_az) = i
                .child("title")
                .map(|t| t.narratives(&lang))
                .unwrap_or_default();
            let Some(title_en) = t_en.or(t_az.clone()) else {
                c.err(
                    format!("{at}/title"),
                    "REQUIRED",
                    "an indicator needs a title",
                );
                continue;
            };
            let mut baseline = None;
            let mut baseline_date = None;
            if let Some(b) = i.child("baseline") {
                let year = b.attr("year");
                if year.is_none_or(|y| y.parse::<i32>().is_err()) {
                    c.err(
                        format!("{at}/baseline/@year"),
                        "REQUIRED",
                        "a baseline needs its year",
                    );
                }
                if b.attr("iso-date").is_some() {
                    baseline_date = c.date(b, "iso-date", &format!("{at}/baseline"));
                }
                if b.attr("value").is_some() {
                    baseline = c.number(b.attr("value"), &format!("{at}/baseline/@value"));
                }
            }
            let mut periods = Vec::new();
            for (pi, p) in i.all("period").enumerate() {
                let pat = format!("{at}/period[{}]", pi + 1);
                let start = p
                    .child("period-start")
                    .and_then(|s| c.date(s, "iso-date", &format!("{pat}/period-start")));
                let end = p
                    .child("period-end")
                    .and_then(|s| c.date(s, "iso-date", &format!("{pat}/period-end")));
                let (Some(start), Some(end)) = (start, end) else {
                    if p.child("period-start").is_none() || p.child("period-end").is_none() {
                        c.err(
                            pat,
                            "REQUIRED",
                            "a period needs period-start and period-end",
                        );
                    }
                    continue;
                };
                if end < start {
                    c.err(
                        format!("{pat}/period-end"),
                        "INVALID",
                        "the period ends before it starts",
                    );
                    continue;
                }
                let target = p
                    .child("target")
                    .and_then(|t| c.number(t.attr("value"), &format!("{pat}/target/@value")));
                let mut actual = None;
                let mut breakdown = Vec::new();
                for a in p.all("actual") {
                    let v = c.number(a.attr("value"), &format!("{pat}/actual/@value"));
                    match (a.child("dimension"), v) {
                        (None, Some(v)) => actual = Some(v),
                        (Some(d), Some(v)) => {
                            let (Some(name), Some(value)) = (d.attr("name"), d.attr("value"))
                            else {
                                c.err(
                                    format!("{pat}/actual/dimension"),
                                    "REQUIRED",
                                    "a dimension needs a name and a value",
                                );
                                continue;
                            };
                            if !DIMENSIONS.contains(&name)
                                || ind::valid_breakdown(name, value) != Some(true)
                            {
                                c.err(format!("{pat}/actual/dimension"), "NOT_IN_CODELIST", format!("the hub reads breakdowns by {} with their codes; {name}={value} is not one", DIMENSIONS.join(", ")));
                                continue;
                            }
                            breakdown.push((name.to_string(), value.to_string(), v));
                        }
                        _ => {}
                    }
                }
                periods.push(Period {
                    start,
                    end,
                    target,
                    actual,
                    breakdown,
                });
            }
            indicators.push(Indicator {
                title_en,
                title_az: t_az,
                baseline,
                baseline_date,
                periods,
            });
        }
    }
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    Ok(Activity {
        identifier: identifier.unwrap_or_default(),
        title_en: title_en.unwrap_or_default(),
        title_az,
        summary_en,
        summary_az,
        status: status.unwrap_or(ProjectStatus::Implementation),
        planned_start: dates[1],
        actual_start: dates[2],
        planned_end: dates[3],
        actual_end: dates[4],
        budget,
        participants,
        places,
        indicators,
    })
}

/// Reads and checks an IATI activity file. A file that cannot be read at
/// all (not XML, a DTD, too large or too deep, not `iati-activities` 2.03)
/// is refused whole; an activity that breaks the schema's rules is refused
/// on its own line with the element at fault.
pub fn prepare(bytes: &[u8], publisher_prefix: Option<&str>) -> Result<Prepared, ImportError> {
    let digest: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let root = parse_tree(bytes).map_err(ImportError::File)?;
    if root.name != "iati-activities" {
        return Err(ImportError::File(problem(
            "NOT_IATI",
            format!("the root element is <{}>, not <iati-activities>", root.name),
        )));
    }
    if root.attr("version") != Some("2.03") {
        return Err(ImportError::File(problem(
            "IATI_VERSION",
            format!(
                "the file is IATI version {}, the import reads 2.03",
                root.attr("version").unwrap_or("(none)")
            ),
        )));
    }
    let activities: Vec<&Node> = root.all("iati-activity").collect();
    if activities.is_empty() {
        return Err(ImportError::File(problem(
            "NO_ACTIVITY",
            "the file holds no iati-activity",
        )));
    }
    if activities.len() > MAX_ACTIVITIES {
        return Err(ImportError::File(problem(
            "TOO_MANY_ROWS",
            format!("the file holds more than {MAX_ACTIVITIES} activities: split it"),
        )));
    }
    let mut seen: HashMap<String, u32> = HashMap::new();
    let entries = activities
        .into_iter()
        .map(|a| {
            let mut read = read_activity(a, "en");
            let key = a
                .child("iati-identifier")
                .map(|n| n.text.trim().to_string())
                .unwrap_or_default();
            if let Some(first) = (!key.is_empty())
                .then(|| seen.insert(key.clone(), a.line))
                .flatten()
            {
                let e = RowError {
                    column: "iati-identifier".into(),
                    code: "DUPLICATE_ROW".into(),
                    message: format!("the same activity as line {first}"),
                };
                read = match read {
                    Ok(_) => Err(vec![e]),
                    Err(mut es) => {
                        es.push(e);
                        Err(es)
                    }
                };
            }
            Entry {
                line: a.line,
                key,
                read,
            }
        })
        .collect();
    Ok(Prepared {
        entries,
        digest,
        prefix: publisher_prefix.map(str::to_string),
    })
}

/// The report of an IATI preview (or of a confirmation, without the rows).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IatiReport {
    /// Always `iati_activities`.
    pub kind: String,
    /// SHA-256 of the file, hex.
    pub file_sha256: String,
    /// The data version the preview was computed on.
    pub data_version: i64,
    /// The token a confirmation must present (file and data version).
    pub token: String,
    /// Activities by outcome.
    pub totals: Totals,
    /// Every activity's outcome, in file order (`line` is the line of its
    /// `iati-activity` element, `key` its identifier).
    pub rows: Vec<RowReport>,
    /// True when the activities were stored.
    pub stored: bool,
}

fn token(digest: &str, version: i64) -> String {
    let d = Sha256::digest(format!("{digest}\niati_activities\n{version}"));
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn admin_only(actor: &Actor) -> Result<(), ImportError> {
    if actor.viewer.actor_key().is_none() {
        return Err(ImportError::User(vec![UserError::new(
            &[],
            UserErrorCode::Unauthenticated,
            "log in to import",
        )]));
    }
    if !actor.viewer.is_admin() {
        return Err(ImportError::User(vec![UserError::new(
            &[],
            UserErrorCode::Forbidden,
            "only an administrator imports IATI files (an activity may create a programme)",
        )]));
    }
    Ok(())
}

/// A dry run: every activity's outcome, nothing stored.
pub async fn preview(
    db: &DatabaseConnection,
    actor: &Actor,
    file: &Prepared,
    progress: Progress<'_>,
) -> Result<IatiReport, ImportError> {
    admin_only(actor)?;
    let txn = crate::db::begin_write(db).await?;
    let version = crate::data_version::current(&txn).await?;
    let outcome = run(&txn, actor, file, progress).await;
    txn.rollback().await?;
    let rows = outcome?;
    Ok(IatiReport {
        kind: "iati_activities".into(),
        file_sha256: file.digest.clone(),
        data_version: version,
        token: token(&file.digest, version),
        totals: super::totals(&rows),
        rows,
        stored: false,
    })
}

#[derive(Serialize)]
struct ConfirmBody<'a> {
    kind: &'static str,
    file_sha256: &'a str,
    token: &'a str,
}

/// Stores the previewed file, as [`super::confirm`] does for spreadsheets.
pub async fn confirm(
    db: &DatabaseConnection,
    actor: &Actor,
    file: &Prepared,
    preview_token: &str,
    idempotency_key: &str,
    progress: Progress<'_>,
) -> Result<Outcome, ImportError> {
    admin_only(actor)?;
    let body = ConfirmBody {
        kind: "iati_activities",
        file_sha256: &file.digest,
        token: preview_token,
    };
    let outcome = run_idempotent(db, actor, "importIati", idempotency_key, &body, async |txn| {
        let version = crate::data_version::current(txn).await?;
        if token(&file.digest, version) != preview_token.trim() {
            return Err(UserError::new(
                &["token"],
                UserErrorCode::Conflict,
                "the data changed since this preview (or the token belongs to another file): preview the file again, then confirm",
            )
            .into());
        }
        let rows = run(txn, actor, file, progress).await?;
        let t = super::totals(&rows);
        if t.refused > 0 {
            return Err(UserError::new(
                &["file"],
                UserErrorCode::Invalid,
                format!("{} activities are refused: fix them and preview again; nothing was stored", t.refused),
            )
            .into());
        }
        let report = IatiReport {
            kind: "iati_activities".into(),
            file_sha256: file.digest.clone(),
            data_version: version,
            token: preview_token.to_string(),
            totals: t,
            rows: Vec::new(),
            stored: true,
        };
        audit(txn, actor, "import.iati", "dataset", None, None, crate::services::snapshot(&report)).await?;
        Ok(Outcome { detail: crate::services::snapshot(&report), ..Outcome::default() })
    })
    .await?;
    Ok(outcome)
}

/// Every activity's outcome, written in `txn` (never committed here).
async fn run(
    txn: &DatabaseTransaction,
    actor: &Actor,
    file: &Prepared,
    progress: Progress<'_>,
) -> ServiceResult<Vec<RowReport>> {
    let tag = format!("import {} iati", &file.digest[..12]);
    let total = file.entries.len();
    let mut rows = Vec::with_capacity(total);
    for (done, e) in file.entries.iter().enumerate() {
        let report = match &e.read {
            Err(errors) => RowReport {
                line: e.line,
                status: RowStatus::Refused,
                key: e.key.clone(),
                errors: errors.clone(),
            },
            Ok(a) => {
                let mut actor = actor.clone();
                actor.request_id = Some(format!("{tag} line {}", e.line));
                let sp = txn.begin().await?;
                match apply(&sp, &actor, a, file.prefix.as_deref()).await {
                    Ok(RowStatus::Unchanged) => {
                        sp.rollback().await?;
                        RowReport {
                            line: e.line,
                            status: RowStatus::Unchanged,
                            key: e.key.clone(),
                            errors: Vec::new(),
                        }
                    }
                    Ok(status) => {
                        sp.commit().await?;
                        RowReport {
                            line: e.line,
                            status,
                            key: e.key.clone(),
                            errors: Vec::new(),
                        }
                    }
                    Err(ServiceError::User(errors)) => {
                        sp.rollback().await?;
                        RowReport {
                            line: e.line,
                            status: RowStatus::Refused,
                            key: e.key.clone(),
                            errors: errors
                                .into_iter()
                                .map(|u| RowError {
                                    column: u
                                        .field
                                        .iter()
                                        .filter(|s| *s != "input")
                                        .cloned()
                                        .collect::<Vec<_>>()
                                        .join("/"),
                                    code: code_text(u.code),
                                    message: u.message,
                                })
                                .collect(),
                        }
                    }
                    Err(ServiceError::Db(d)) => {
                        sp.rollback().await?;
                        return Err(ServiceError::Db(d));
                    }
                }
            }
        };
        rows.push(report);
        progress(done + 1, total);
    }
    Ok(rows)
}

/// A refusal of one activity on a named element.
fn refuse(column: &str, code: UserErrorCode, message: impl Into<String>) -> ServiceError {
    UserError::new(&[column], code, message).into()
}

/// A slug for a new project from its identifier (`XM-DAC-41114-P1` →
/// `xm-dac-41114-p1`), or the part after the publisher's prefix for our own
/// `<prefix>-<slug>` identifiers.
fn slug_for(identifier: &str) -> String {
    let mut out = String::new();
    for ch in fold(identifier).chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    out.chars()
        .take(80)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// The organisation the file names: by `ref`, else by its English or
/// Azerbaijani name (folded as search folds it), else a new one.
async fn organisation_for<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    o: &OrgRef,
    at: &str,
) -> ServiceResult<i32> {
    let all = organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?;
    if let Some(r) = &o.reference
        && let Some(found) = all.iter().find(|x| x.iati_ref.as_deref() == Some(r))
    {
        return Ok(found.id);
    }
    let names: Vec<String> = [&o.name_en, &o.name_az]
        .into_iter()
        .flatten()
        .map(|n| fold(n))
        .collect();
    if let Some(found) = all.iter().find(|x| {
        (o.reference.is_none() || x.iati_ref.is_none())
            && (names.contains(&fold(&x.name_en)) || names.contains(&fold(&x.name_az)))
    }) {
        return Ok(found.id);
    }
    let name_en = o
        .name_en
        .clone()
        .or(o.name_az.clone())
        .or(o.reference.clone())
        .unwrap_or_default();
    let created = admin::create_organisation(
        db,
        actor,
        &OrganisationFields {
            name_az: o.name_az.clone().unwrap_or_else(|| name_en.clone()),
            name_en,
            acronym_az: None,
            acronym_en: None,
            kind: o.kind,
            iati_ref: o.reference.clone(),
            parent_id: None,
        },
    )
    .await
    .map_err(|e| match e {
        ServiceError::User(errors) => ServiceError::User(
            errors
                .into_iter()
                .map(|u| UserError::new(&[at], u.code, u.message))
                .collect(),
        ),
        d => d,
    })?;
    Ok(created.id.unwrap_or_default())
}

/// The area a location names: by its code (`AZ-FUZ`), else by its name.
fn area_for(areas: &[area::Model], p: &Place) -> Option<i32> {
    if let Some(r) = &p.reference
        && let Some(a) = areas.iter().find(|a| a.code.as_deref() == Some(r.as_str()))
    {
        return Some(a.id);
    }
    let names: Vec<String> = [&p.name_en, &p.name_az]
        .into_iter()
        .flatten()
        .map(|n| fold(n))
        .collect();
    let found: Vec<&area::Model> = areas
        .iter()
        .filter(|a| names.contains(&fold(&a.name_en)) || names.contains(&fold(&a.name_az)))
        .collect();
    match found.as_slice() {
        [one] => Some(one.id),
        _ => None,
    }
}

/// What the import writes, read back without ids, versions and times: equal
/// before and after means the activity changed nothing.
async fn fingerprint<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
) -> Result<serde_json::Value, DbErr> {
    let mut p = proj::project_snapshot(db, project_id)
        .await?
        .unwrap_or_default();
    if let Some(o) = p.as_object_mut() {
        o.remove("version");
        if let Some(list) = o.get_mut("participants").and_then(|v| v.as_array_mut()) {
            for item in list.iter_mut() {
                if let Some(i) = item.as_object_mut() {
                    i.remove("id");
                }
            }
            list.sort_by_key(|v| v.to_string());
        }
    }
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::ProjectId.eq(project_id))
        .order_by_asc(indicator::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = indicators.iter().map(|i| i.id).collect();
    let strip = |v: serde_json::Value| {
        let mut v = v;
        if let Some(o) = v.as_object_mut() {
            for k in ["id", "version", "recorded_at", "updated_at", "created_at"] {
                o.remove(k);
            }
        }
        v
    };
    let mut values: Vec<String> = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|v| strip(serde_json::to_value(v).unwrap_or_default()).to_string())
        .collect();
    values.sort();
    let mut targets: Vec<String> = indicator_target::Entity::find()
        .filter(indicator_target::Column::IndicatorId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| strip(serde_json::to_value(v).unwrap_or_default()).to_string())
        .collect();
    targets.sort();
    let indicators: Vec<serde_json::Value> = indicators
        .into_iter()
        .map(|i| strip(serde_json::to_value(i).unwrap_or_default()))
        .collect();
    Ok(
        serde_json::json!({ "project": p, "indicators": indicators, "values": values, "targets": targets }),
    )
}

/// Writes one activity through the set-up services: the outcome (an
/// unchanged activity's writes are rolled back by the caller).
async fn apply(
    db: &DatabaseTransaction,
    actor: &Actor,
    a: &Activity,
    prefix: Option<&str>,
) -> ServiceResult<RowStatus> {
    // Organisations and areas first.
    let mut participants: Vec<Participant> = Vec::new();
    for (i, o) in a.participants.iter().enumerate() {
        let at = format!("participating-org[{}]", i + 1);
        let organisation_id = organisation_for(db, actor, o, &at).await?;
        if !participants
            .iter()
            .any(|p| p.organisation_id == organisation_id && p.role == o.role)
        {
            participants.push(Participant {
                organisation_id,
                role: o.role,
                note_az: None,
                note_en: None,
            });
        }
    }
    let areas = area::Entity::find()
        .order_by_asc(area::Column::Id)
        .all(db)
        .await?;
    let mut area_ids = Vec::new();
    for (i, p) in a.places.iter().enumerate() {
        match area_for(&areas, p) {
            Some(id) => area_ids.push(id),
            None => {
                return Err(refuse(
                    &format!("location[{}]", i + 1),
                    UserErrorCode::NotFound,
                    format!(
                        "no area of the hub is {} (by ISO code or name): add the area, or name one the hub knows",
                        p.reference
                            .as_deref()
                            .or(p.name_en.as_deref())
                            .unwrap_or("this location")
                    ),
                ));
            }
        }
    }
    // Our own `<prefix>-<slug>` names the programme of that slug when it
    // has no registered identifier.
    let own_slug = prefix
        .and_then(|p| a.identifier.strip_prefix(p))
        .and_then(|rest| rest.strip_prefix('-'))
        .filter(|s| valid_slug(s));
    let mut existing = project::Entity::find()
        .filter(project::Column::IatiIdentifier.eq(a.identifier.as_str()))
        .one(db)
        .await?;
    if existing.is_none()
        && let Some(slug) = own_slug
    {
        existing = project::Entity::find()
            .filter(project::Column::Slug.eq(slug))
            .filter(project::Column::IatiIdentifier.is_null())
            .one(db)
            .await?;
    }
    let mut fields = ProjectFields {
        slug: String::new(),
        iati_identifier: Some(a.identifier.clone()),
        title_az: a.title_az.clone().unwrap_or_else(|| a.title_en.clone()),
        title_en: a.title_en.clone(),
        summary_az: a.summary_az.clone().or(a.summary_en.clone()),
        summary_en: a.summary_en.clone(),
        status: a.status,
        planned_start: a.planned_start,
        planned_end: a.planned_end,
        actual_start: a.actual_start,
        actual_end: a.actual_end,
        budget_amount: a.budget.as_ref().map(|b| b.0),
        budget_currency: a.budget.as_ref().map(|b| b.1.clone()),
        sensitivity: None,
        is_public: None,
        source_document_id: None,
        parent_id: None,
        participants: Some(participants),
        area_ids: Some(area_ids),
        plan_links: None,
        categories: None,
    };
    let (project_id, created, before) = match existing {
        Some(p) => {
            let before = fingerprint(db, p.id).await?;
            // Partners (no IATI role) and notes the file cannot carry are kept.
            let kept = project_participant::Entity::find()
                .filter(project_participant::Column::ProjectId.eq(p.id))
                .all(db)
                .await?;
            if let Some(list) = fields.participants.as_mut() {
                for l in list.iter_mut() {
                    if let Some(k) = kept
                        .iter()
                        .find(|k| k.organisation_id == l.organisation_id && k.role == l.role)
                    {
                        l.note_az = k.note_az.clone();
                        l.note_en = k.note_en.clone();
                    }
                }
                for k in kept.iter().filter(|k| k.role == ParticipantRole::Partner) {
                    list.push(Participant {
                        organisation_id: k.organisation_id,
                        role: k.role,
                        note_az: k.note_az.clone(),
                        note_en: k.note_en.clone(),
                    });
                }
                list.sort_by_key(|p| (p.organisation_id, p.role.code()));
            }
            let current_areas: Vec<i32> = project_area::Entity::find()
                .filter(project_area::Column::ProjectId.eq(p.id))
                .all(db)
                .await?
                .into_iter()
                .map(|a| a.area_id)
                .collect();
            if fields.area_ids.as_ref().is_some_and(Vec::is_empty) {
                // A file without locations leaves the project's areas as they are.
                fields.area_ids = Some(current_areas);
            }
            fields.slug = p.slug.clone();
            fields.iati_identifier = p.iati_identifier.clone();
            fields.sensitivity = Some(p.sensitivity);
            fields.is_public = Some(p.is_public);
            fields.parent_id = p.parent_id;
            proj::update_project(db, actor, p.id, p.version, &fields).await?;
            (p.id, false, Some(before))
        }
        None => {
            let slug = own_slug.map_or_else(|| slug_for(&a.identifier), str::to_string);
            // Our own export's identifier is made up from the slug: it is
            // not registered again.
            if own_slug.is_some() {
                fields.iati_identifier = None;
            }
            if !valid_slug(&slug) {
                return Err(refuse(
                    "iati-identifier",
                    UserErrorCode::Invalid,
                    "no project address (slug) can be made from this identifier",
                ));
            }
            fields.slug = slug;
            // A published activity is public already.
            fields.is_public = Some(true);
            let out = proj::create_project(db, actor, &fields)
                .await
                .map_err(|e| match e {
                    ServiceError::User(errors) => ServiceError::User(
                        errors
                            .into_iter()
                            .map(|u| {
                                let at = if u.field.iter().any(|f| f == "slug") {
                                    "iati-identifier"
                                } else {
                                    "iati-activity"
                                };
                                UserError::new(&[at], u.code, u.message)
                            })
                            .collect(),
                    ),
                    d => d,
                })?;
            (out.id.unwrap_or_default(), true, None)
        }
    };
    write_indicators(db, actor, project_id, a).await?;
    if created {
        return Ok(RowStatus::Created);
    }
    let after = fingerprint(db, project_id).await?;
    Ok(if Some(after) == before {
        RowStatus::Unchanged
    } else {
        RowStatus::Updated
    })
}

/// A new indicator's code: its place in the file and its title
/// (`02-people-trained`), so the hub lists the indicators (by code) in the
/// file's order.
fn indicator_code(place: usize, title: &str, taken: &[String]) -> String {
    let slug: String = slug_for(title).chars().take(30).collect();
    let base = format!("{place:02}-{slug}")
        .trim_end_matches('-')
        .to_string();
    let mut code = base.clone();
    let mut n = 2;
    while taken.contains(&code) {
        code = format!("{place:02}-{n}");
        n += 1;
    }
    code
}

async fn write_indicators(
    db: &DatabaseTransaction,
    actor: &Actor,
    project_id: i32,
    a: &Activity,
) -> ServiceResult<()> {
    let stored = indicator::Entity::find()
        .filter(indicator::Column::ProjectId.eq(project_id))
        .order_by_asc(indicator::Column::Id)
        .all(db)
        .await?;
    let mut taken: Vec<String> = stored.iter().map(|i| i.code.clone()).collect();
    for (n, i) in a.indicators.iter().enumerate() {
        let at = format!("indicator[{}]", n + 1);
        let relabel = |e: ServiceError| match e {
            ServiceError::User(errors) => ServiceError::User(
                errors
                    .into_iter()
                    .map(|u| {
                        let tail: Vec<String> = u
                            .field
                            .iter()
                            .filter(|s| *s != "input" && *s != "id" && *s != "indicatorId")
                            .cloned()
                            .collect();
                        let path = std::iter::once(at.clone())
                            .chain(tail)
                            .collect::<Vec<_>>()
                            .join("/");
                        UserError::new(&[path.as_str()], u.code, u.message)
                    })
                    .collect(),
            ),
            d => d,
        };
        // The overall target is the latest period's.
        let target = i
            .periods
            .iter()
            .rev()
            .find_map(|p| p.target.map(|t| (t, p.end)));
        let found = stored
            .iter()
            .find(|s| s.archived_at.is_none() && fold(&s.title_en) == fold(&i.title_en));
        let mut fields = IndicatorFields {
            code: String::new(),
            title_az: i.title_az.clone().unwrap_or_else(|| i.title_en.clone()),
            title_en: i.title_en.clone(),
            unit: CountUnit::Persons,
            counting_rule: CountingRule::Total,
            aggregation: Aggregation::Sum,
            baseline: i.baseline,
            baseline_date: i.baseline_date,
            target: target.map(|t| t.0),
            target_date: target.map(|t| t.1),
            sensitivity: None,
            derived_from: None,
            source_document_id: None,
            illustrative: false,
        };
        let id = match found {
            Some(s) => {
                fields.code = s.code.clone();
                fields.unit = s.unit;
                fields.counting_rule = s.counting_rule;
                fields.aggregation = s.aggregation;
                fields.sensitivity = Some(s.sensitivity);
                fields.derived_from = s.derived_from.clone();
                fields.source_document_id = s.source_document_id;
                let same = s.baseline == fields.baseline
                    && s.baseline_date == fields.baseline_date
                    && s.target == fields.target
                    && s.target_date == fields.target_date
                    && s.title_az == fields.title_az;
                if !same {
                    ind::update_indicator(db, actor, s.id, s.version, &fields)
                        .await
                        .map_err(relabel)?;
                }
                if s.derived_from.is_some() {
                    // Its actuals are computed from the recorded facts.
                    continue;
                }
                s.id
            }
            None => {
                fields.code = indicator_code(n + 1, &i.title_en, &taken);
                taken.push(fields.code.clone());
                ind::create_indicator(db, actor, project_id, &fields)
                    .await
                    .map_err(relabel)?
                    .id
                    .unwrap_or_default()
            }
        };
        let targets: Vec<ind::Target> = i
            .periods
            .iter()
            .filter_map(|p| {
                p.target.map(|value| ind::Target {
                    period_start: p.start,
                    period_end: p.end,
                    dimension: None,
                    dimension_value: None,
                    value,
                })
            })
            .collect();
        if !targets.is_empty() {
            let current = indicator::Entity::find_by_id(id).one(db).await?;
            let version = current.map_or(1, |c| c.version);
            ind::set_indicator_targets(db, actor, id, version, &targets)
                .await
                .map_err(relabel)?;
        }
        let mut by_period: BTreeMap<(NaiveDate, NaiveDate), PeriodValues> = BTreeMap::new();
        for p in i
            .periods
            .iter()
            .filter(|p| p.actual.is_some() || !p.breakdown.is_empty())
        {
            let v = by_period
                .entry((p.start, p.end))
                .or_insert_with(|| PeriodValues {
                    period_start: p.start,
                    period_end: p.end,
                    as_of: None,
                    value: None,
                    breakdown: Vec::new(),
                    note_az: None,
                    note_en: None,
                    source_document_id: None,
                    confirm_reason: None,
                });
            v.value = p.actual.or(v.value);
            for (d, dv, n) in &p.breakdown {
                v.breakdown.push(BreakdownValue {
                    dimension: d.clone(),
                    dimension_value: dv.clone(),
                    value: *n,
                });
            }
        }
        for v in by_period.values() {
            ind::record_indicator_values(db, actor, id, v)
                .await
                .map_err(relabel)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(xml: &str) -> &'static str {
        match prepare(xml.as_bytes(), None) {
            Err(ImportError::File(p)) => p.code,
            Err(_) => "OTHER",
            Ok(_) => "READ",
        }
    }

    #[test]
    fn a_document_type_is_refused_so_no_entity_expands() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><iati-activities version="2.03">&lol2;</iati-activities>"#;
        assert_eq!(refused(laughs), "XML_DOCTYPE");
        let undefined = r#"<iati-activities version="2.03"><iati-activity>&lol;</iati-activity></iati-activities>"#;
        assert_eq!(refused(undefined), "INVALID_XML");
    }

    #[test]
    fn deep_nesting_and_other_roots_are_refused() {
        let deep = format!(
            "<iati-activities version=\"2.03\">{}{}</iati-activities>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        assert_eq!(refused(&deep), "TOO_DEEP");
        assert_eq!(
            refused("<iati-organisations version=\"2.03\"/>"),
            "NOT_IATI"
        );
        assert_eq!(
            refused("<iati-activities version=\"1.05\"/>"),
            "IATI_VERSION"
        );
        assert_eq!(refused("<iati-activities version=\"2.03\">"), "INVALID_XML");
        assert_eq!(refused("not xml at all"), "INVALID_XML");
    }

    #[test]
    fn an_activity_breaking_the_codelists_is_refused_on_its_element() {
        let xml = r#"<iati-activities version="2.03"><iati-activity>
            <iati-identifier>XM-1</iati-identifier><reporting-org ref="XM" type="10"><narrative>X</narrative></reporting-org>
            <title><narrative>T</narrative></title>
            <participating-org role="7" type="10"><narrative>Ministry</narrative></participating-org>
            <activity-status code="9"/><activity-date type="2" iso-date="2024-13-01"/>
            </iati-activity></iati-activities>"#;
        let Ok(p) = prepare(xml.as_bytes(), None) else {
            panic!("the file reads");
        };
        let Err(errors) = &p.entries[0].read else {
            panic!("the activity is refused");
        };
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert!(
            columns.contains(&"participating-org[1]/@role"),
            "{columns:?}"
        );
        assert!(columns.contains(&"activity-status/@code"), "{columns:?}");
        assert!(columns.contains(&"activity-date/@iso-date"), "{columns:?}");
    }

    #[test]
    fn entities_and_character_references_read_as_text() {
        let xml = r#"<iati-activities version="2.03"><iati-activity>
            <iati-identifier>XM-1</iati-identifier><reporting-org ref="XM" type="10"><narrative>X</narrative></reporting-org>
            <title><narrative>Water &amp; roads &#x259;</narrative></title>
            <participating-org role="1" type="10"><narrative>Ministry</narrative></participating-org>
            <activity-status code="2"/><activity-date type="2" iso-date="2024-01-01"/>
            </iati-activity></iati-activities>"#;
        let Ok(p) = prepare(xml.as_bytes(), None) else {
            panic!("the file reads");
        };
        let a = p.entries[0].read.as_ref().expect("activity");
        assert_eq!(a.title_en, "Water & roads ə");
        assert_eq!(slug_for("XM-DAC-41114-P1"), "xm-dac-41114-p1");
    }
}

//! What every domain module of the GraphQL layer shares: the request scope,
//! DataLoader shorthands, language picks, counts and money, the `Node`
//! interface, and the small helpers of root list fields.

use crate::graphql::prelude::*;

/// What a request carries besides its loaders: the caller and the suppression thresholds.
#[derive(Debug, Clone)]
pub struct RequestScope {
    /// The caller.
    pub viewer: Viewer,
    /// Small-cell thresholds.
    pub thresholds: Thresholds,
    /// The request's `x-request-id`, for audit rows.
    pub request_id: Option<String>,
}

pub(crate) fn scope<'a>(ctx: &'a Context<'_>) -> &'a RequestScope {
    ctx.data_unchecked::<RequestScope>()
}

/// Whether the loaders batch (`API_DATALOADERS`): off, every key is loaded
/// by itself, one statement each, which is what the DataLoaders save.
#[derive(Debug, Clone, Copy)]
pub struct Batching(pub bool);

pub(crate) async fn one<K>(
    ctx: &Context<'_>,
    key: K,
) -> ApiResult<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = AppError>,
{
    Ok(each(ctx, vec![key.clone()]).await?.remove(&key))
}

/// The rows of several keys of one loader (keys with no row are left out).
pub(crate) async fn each<K>(
    ctx: &Context<'_>,
    keys: Vec<K>,
) -> ApiResult<HashMap<K, <Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = AppError>,
{
    let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
    if let Some(Batching(false)) = ctx.data_opt::<Batching>() {
        let mut out = HashMap::new();
        for key in keys {
            out.extend(loader.loader().load(std::slice::from_ref(&key)).await?);
        }
        return Ok(out);
    }
    loader.load_many(keys).await
}

pub(crate) async fn opt<K>(
    ctx: &Context<'_>,
    key: Option<K>,
) -> ApiResult<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = AppError>,
{
    match key {
        Some(k) => one(ctx, k).await,
        None => Ok(None),
    }
}

pub(crate) async fn many<K, M>(ctx: &Context<'_>, key: K) -> ApiResult<Vec<M>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Value = Vec<M>, Error = AppError>,
{
    Ok(one(ctx, key).await?.unwrap_or_default())
}

/// A text in the language asked for, or in the other one while the asked
/// one is not filled yet (a programme may be set up in one language first:
/// never a blank). [`text_lang`] says which language the answer is in, so
/// the site can mark it.
pub(crate) fn text(ctx: &Context<'_>, lang: Option<Lang>, az: &str, en: &str) -> String {
    let lang = text_lang(ctx, lang, az, en);
    lang.pick(az, en).to_string()
}

/// The language [`text`] answers in.
pub(crate) fn text_lang(ctx: &Context<'_>, lang: Option<Lang>, az: &str, en: &str) -> Lang {
    let asked = resolve(ctx, lang);
    let other = match asked {
        Lang::Az => Lang::En,
        Lang::En => Lang::Az,
    };
    if asked.pick(az, en).trim().is_empty() && !other.pick(az, en).trim().is_empty() {
        other
    } else {
        asked
    }
}

/// [`text`], trimmed (an event's title may be given in one language only).
pub(crate) fn text_or_other(ctx: &Context<'_>, lang: Option<Lang>, az: &str, en: &str) -> String {
    text(ctx, lang, az, en).trim().to_string()
}

/// The language [`text`] answers in for `lang`, and whether that is the
/// other language (the one asked for was left empty).
pub(crate) fn given_lang(
    ctx: &Context<'_>,
    lang: Option<Lang>,
    az: &str,
    en: &str,
) -> (Lang, bool) {
    let given = text_lang(ctx, lang, az, en);
    (given, given != resolve(ctx, lang))
}

/// An optional text, falling back to the other language as [`text`] does.
pub(crate) fn opt_text(
    ctx: &Context<'_>,
    lang: Option<Lang>,
    az: &Option<String>,
    en: &Option<String>,
) -> Option<String> {
    let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
    let asked = resolve(ctx, lang);
    let picked = asked.pick(az, en);
    if blank(picked) {
        let other = asked.pick(en, az);
        if !blank(other) {
            return other.clone();
        }
    }
    picked.clone()
}

/// How a published count was protected (the method is explained on the
/// site's method page and in `docs/disclosure.md`).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::disclosure::Protection")]
pub enum Protection {
    /// Published as recorded: it protects no one, the reader may see it raw,
    /// or it is a figure as reported in a public source.
    Exact,
    /// Published as the sum of its records each rounded once to a multiple of
    /// its class's threshold (unbiased; the same wherever the same records
    /// are counted).
    Perturbed,
    /// Withheld: every person it counts is in a record rounded to zero.
    Withheld,
}

/// How a published count was protected, beside its value.
#[derive(SimpleObject, Debug, Clone, Copy)]
#[graphql(serial)]
pub struct Disclosure {
    /// How the count was protected.
    pub protection: Protection,
    /// The most protected class of the people counted (PUBLIC counts protect no one).
    pub class: Sensitivity,
    /// For a withheld count: it hides fewer than this many people (each
    /// record it counts is below its threshold), e.g. 5 for one ordinary
    /// record. Null when published, or when withheld only so that another
    /// figure cannot be worked out (then it may be large).
    pub withheld_below: Option<i64>,
}

impl Disclosure {
    /// Nothing counted: exact, public.
    pub(crate) fn none() -> Self {
        Self {
            protection: Protection::Exact,
            class: Sensitivity::Public,
            withheld_below: None,
        }
    }
}

impl From<Figure> for Disclosure {
    fn from(f: Figure) -> Self {
        Self {
            protection: f.protection.into(),
            class: f.class,
            withheld_below: f.below,
        }
    }
}

/// A published count: the value, or null with `suppressed: true` when it is
/// too small to publish without risking identifying someone.
#[derive(SimpleObject, Debug, Clone, Copy)]
#[graphql(serial)]
pub struct Count {
    /// The count; null when suppressed.
    pub value: Option<i64>,
    /// True when the count was withheld by small-cell suppression.
    pub suppressed: bool,
    /// How it was protected and its class.
    #[graphql(flatten)]
    pub disclosure: Disclosure,
}

impl From<Figure> for Count {
    fn from(f: Figure) -> Self {
        Self {
            value: f.value,
            suppressed: f.suppressed,
            disclosure: f.into(),
        }
    }
}

/// A sum of money.
#[derive(SimpleObject, Debug, Clone)]
pub struct Money {
    /// Amount in whole currency units.
    pub amount: i64,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
}

pub(crate) fn money(amount: Option<i64>, currency: &Option<String>) -> Option<Money> {
    amount.map(|amount| Money {
        amount,
        currency: currency.clone(),
    })
}

/// Every object reachable by `node(id:)`.
#[derive(async_graphql::Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// A project.
    Project(Project),
    /// A centre.
    Centre(Centre),
    /// An event.
    Event(Event),
    /// An infrastructure work.
    InfrastructureWork(InfrastructureWork),
    /// An organisation.
    Organisation(Organisation),
    /// An area.
    Area(Area),
    /// A source document.
    SourceDocument(SourceDocument),
    /// An indicator.
    Indicator(Indicator),
    /// A team.
    Team(Team),
    /// A plan.
    Plan(Plan),
}

/// Loads any node by its global ID, within the caller's scope.
pub async fn load_node(ctx: &Context<'_>, kind: NodeType, id: i32) -> ApiResult<Option<Node>> {
    Ok(match kind {
        NodeType::Project => one(ctx, ProjectById(id))
            .await?
            .map(|m| Node::Project(Project(m))),
        NodeType::Centre => one(ctx, CentreById(id))
            .await?
            .map(|m| Node::Centre(Centre(m))),
        NodeType::Event => one(ctx, EventById(id))
            .await?
            .map(|m| Node::Event(Event(m))),
        NodeType::InfrastructureWork => one(ctx, WorkById(id))
            .await?
            .map(|m| Node::InfrastructureWork(InfrastructureWork(m))),
        NodeType::Organisation => one(ctx, OrganisationById(id))
            .await?
            .map(|m| Node::Organisation(Organisation(m))),
        NodeType::Area => one(ctx, AreaById(id)).await?.map(|m| Node::Area(Area(m))),
        NodeType::SourceDocument => one(ctx, SourceById(id))
            .await?
            .map(|m| Node::SourceDocument(SourceDocument(m))),
        NodeType::Indicator => one(ctx, IndicatorById(id))
            .await?
            .map(|m| Node::Indicator(Indicator(m))),
        NodeType::Team => one(ctx, TeamById(id)).await?.map(|m| Node::Team(Team(m))),
        NodeType::Plan => one(ctx, PlanById(id)).await?.map(|m| Node::Plan(Plan(m))),
        // Reports, users and API keys are reached through `reports`, `me` and
        // admin fields; obligations, rules, updates and narratives through
        // their project.
        NodeType::Report
        | NodeType::User
        | NodeType::ApiKey
        | NodeType::ReportingObligation
        | NodeType::ValidationRule
        | NodeType::ProgrammeUpdate
        | NodeType::PeriodNarrative => None,
    })
}

/// A date range; either end may be open. An object matches when its own
/// dates overlap the range.
#[derive(InputObject, Debug, Clone, Default)]
pub struct DateRange {
    /// First day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive).
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// Overlap of `[start, coalesce(end, start)]` with the range. Objects
    /// without any date never match a date filter.
    pub(crate) fn overlaps(&self, start: SimpleExpr, end: SimpleExpr) -> Condition {
        let mut cond = Condition::all().add(start.clone().is_not_null());
        if let Some(to) = self.to {
            cond = cond.add(start.clone().lte(to));
        }
        if let Some(from) = self.from {
            cond = cond.add(sea_orm::sea_query::Func::coalesce([end, start]).gte(from));
        }
        cond
    }
}

/// The text-search condition: `None` without a search; a search with nothing
/// searchable in it (only punctuation or wildcards) matches no row.
pub(crate) fn search_condition(
    col: impl ColumnTrait,
    query: &Option<String>,
) -> Option<SimpleExpr> {
    let query = query.as_deref()?;
    Some(match like_pattern(query) {
        Some(pattern) => col.like(pattern),
        None => Expr::cust("1 = 0"),
    })
}

pub(crate) fn decode_ids(kind: NodeType, ids: &[ID]) -> ApiResult<Vec<i32>> {
    ids.iter().map(|id| decode_as(kind, id)).collect()
}

/// Projects an organisation takes part in, optionally in one role.
pub(crate) fn projects_of_organisation(
    org: i32,
    role: Option<ParticipantRole>,
) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column(project_participant::Column::ProjectId)
        .from(project_participant::Entity)
        .and_where(project_participant::Column::OrganisationId.eq(org));
    if let Some(role) = role {
        q.and_where(project_participant::Column::Role.eq(role));
    }
    q.to_owned()
}

/// Adds a filter's nested filters to `cond`: every one of `and` must hold,
/// at least one of `or`. One body for every filter input.
pub(crate) fn with_nested<F>(
    mut cond: Condition,
    and: &Option<Vec<F>>,
    or: &Option<Vec<F>>,
    condition: impl Fn(&F) -> ApiResult<Condition>,
) -> ApiResult<Condition> {
    for f in and.iter().flatten() {
        cond = cond.add(condition(f)?);
    }
    if let Some(or) = or {
        let mut any = Condition::any();
        for f in or {
            any = any.add(condition(f)?);
        }
        cond = cond.add(any);
    }
    Ok(cond)
}

// -------------------------------------------------------------- sort keys

pub(crate) fn text_key<M>(
    name: &'static str,
    col: impl ColumnTrait,
    direction: Direction,
    read: fn(&M) -> Json,
) -> SortKey<M> {
    SortKey {
        name,
        expr: Expr::col(col),
        kind: KeyKind::Text,
        direction,
        read,
    }
}

// ------------------------------------------------------------------- root

pub(crate) fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

pub(crate) fn request_lang(ctx: &Context<'_>) -> Lang {
    ctx.data_opt::<RequestLang>()
        .map(|l| l.0)
        .unwrap_or_default()
}

pub(crate) fn wants_total(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

pub(crate) fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        after,
        before,
        first,
        last,
    }
}

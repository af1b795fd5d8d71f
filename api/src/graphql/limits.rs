//! Limits that hold before the work is done.
//!
//! Every document goes through [`check`] in the HTTP handler before
//! async-graphql sees it. async-graphql's own recursion and directive checks
//! walk every fragment spread without memoising (a 1 KB document of fragments
//! that each spread the previous one twice costs seconds), and its depth and
//! complexity limits skip `__typename`. So, in order, each step linear in the
//! size of the text:
//!
//! 1. [`scan`]: bytes, tokens and bracket nesting, by a lexer that builds
//!    nothing (so the parser never sees a document that could exhaust its
//!    stack or its time);
//! 2. the parse;
//! 3. one walk of the parsed document with every fragment expanded once and
//!    memoised: fields, aliases, `__typename`, directives (per field and in
//!    all), depth (standard introspection exempt), the cost of
//!    [`super::cost`], `login`s, introspection;
//! 4. the inputs ([`super::input_hygiene`]): text, filters, lists.
//!
//! What passes is handed to async-graphql already parsed, so its own walks
//! run only on documents whose expanded size is bounded here. A refusal
//! carries a stable `extensions.code` and a message naming the limit.

use std::collections::HashMap;

use async_graphql::Positioned;
use async_graphql::Variables;
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, Field, OperationType, Selection,
    SelectionSet,
};
use async_graphql_value::{ConstValue, Value};

use super::cost::{self, FieldInfo, SchemaInfo};

pub use crate::config::Limits;

/// Why a request was refused: a stable code, the limit that was hit (a
/// metrics label) and a message that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `extensions.code`.
    pub code: &'static str,
    /// Which limit (`depth`, `fields`, `cost`, …): the `limit` label of the
    /// rejection metric.
    pub limit: &'static str,
    /// Message for the client.
    pub message: String,
    /// The computed cost, for a document refused as too expensive.
    pub cost: Option<u64>,
}

impl Refusal {
    /// A refusal with no cost attached.
    pub fn new(code: &'static str, limit: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            limit,
            message: message.into(),
            cost: None,
        }
    }

    /// The refusal as a GraphQL error.
    pub fn to_server_error(&self) -> async_graphql::ServerError {
        let mut err = async_graphql::ServerError::new(self.message.clone(), None);
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", self.code);
        ext.set("limit", self.limit);
        if let Some(cost) = self.cost {
            ext.set("cost", cost);
        }
        err.extensions = Some(ext);
        err
    }
}

/// The introspection query GraphiQL, graphql-codegen, Apollo and Python
/// `gql` send (graphql-js `getIntrospectionQuery()`).
pub const STANDARD_INTROSPECTION_QUERY: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}
"#;

/// What the walk found in an accepted document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Analysis {
    /// Field selections, fragments expanded.
    pub fields: u64,
    /// Aliases, fragments expanded.
    pub aliases: u64,
    /// `__typename` selections, fragments expanded.
    pub typenames: u64,
    /// Directives, fragments expanded.
    pub directives: u64,
    /// Deepest field selection (introspection counts as 1).
    pub depth: u64,
    /// The price (see [`super::cost`]).
    pub cost: u64,
    /// `login` selections.
    pub logins: u64,
    /// The document has a mutation.
    pub mutation: bool,
    /// The document selects `__schema` or `__type`.
    pub introspection: bool,
    /// The first operation's name, for the log line.
    pub operation_name: Option<String>,
}

/// The checked, parsed document and what was found in it.
pub struct Checked {
    /// The parsed document, to hand to async-graphql.
    pub document: ExecutableDocument,
    /// Counts and cost.
    pub analysis: Analysis,
}

/// Checks one document and its variables against `limits`; the order is
/// cheapest first, and nothing revisits a fragment.
pub fn check(
    query: &str,
    variables: &Variables,
    limits: &Limits,
    schema: &SchemaInfo,
) -> Result<Checked, Refusal> {
    scan(query, limits)?;
    let document = async_graphql::parser::parse_query(query).map_err(|e| {
        Refusal::new(
            "GRAPHQL_PARSE_FAILED",
            "syntax",
            format!("the document is not valid GraphQL: {e}"),
        )
    })?;
    let analysis = analyse(&document, variables, limits, schema)?;
    super::input_hygiene::check(&document, variables, limits)?;
    Ok(Checked { document, analysis })
}

/// The lexical pass: size, tokens and nesting, in one loop over the bytes
/// that allocates nothing.
pub fn scan(query: &str, limits: &Limits) -> Result<(), Refusal> {
    if query.len() > limits.max_document_bytes {
        return Err(Refusal::new(
            "QUERY_TOO_LARGE",
            "document_bytes",
            format!(
                "the document is {} bytes; at most {} are accepted",
                query.len(),
                limits.max_document_bytes
            ),
        ));
    }
    let bytes = query.as_bytes();
    let (mut i, mut tokens, mut depth) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                if bytes[i..].starts_with(b"\"\"\"") {
                    i += 3;
                    while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                        i += if bytes[i..].starts_with(b"\\\"\"\"") {
                            4
                        } else {
                            1
                        };
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        i += if bytes[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limits.max_nesting {
                    return Err(Refusal::new(
                        "QUERY_TOO_DEEP",
                        "nesting",
                        format!(
                            "the document nests brackets more than {} deep",
                            limits.max_nesting
                        ),
                    ));
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9')
                {
                    i += 1;
                }
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(Refusal::new(
                "QUERY_TOO_LARGE",
                "tokens",
                format!("the document has more than {} tokens", limits.max_tokens),
            ));
        }
    }
    Ok(())
}

/// Counts of one selection set (or fragment), fragments expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    fields: u64,
    aliases: u64,
    typenames: u64,
    directives: u64,
    depth: u64,
    cost: u64,
    logins: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.fields = self.fields.saturating_add(other.fields);
        self.aliases = self.aliases.saturating_add(other.aliases);
        self.typenames = self.typenames.saturating_add(other.typenames);
        self.directives = self.directives.saturating_add(other.directives);
        self.depth = self.depth.max(other.depth);
        self.cost = self.cost.saturating_add(other.cost);
        self.logins = self.logins.saturating_add(other.logins);
    }
}

/// How a selection set is priced: the multiplier of its list fields (the
/// page size directly under a connection) and whether it is inside
/// introspection. Part of the memo key of a fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Mode {
    list_multiplier: u64,
    introspection: bool,
}

struct Walker<'a> {
    doc: &'a ExecutableDocument,
    schema: &'a SchemaInfo,
    variables: &'a Variables,
    limits: &'a Limits,
    memo: HashMap<(&'a str, Mode), Tally>,
    stack: Vec<&'a str>,
    introspection: bool,
}

/// The memoised walk of step 3 of [`check`].
pub fn analyse(
    doc: &ExecutableDocument,
    variables: &Variables,
    limits: &Limits,
    schema: &SchemaInfo,
) -> Result<Analysis, Refusal> {
    let definitions = doc.fragments.len()
        + match &doc.operations {
            DocumentOperations::Single(_) => 1,
            DocumentOperations::Multiple(m) => m.len(),
        };
    if definitions > limits.max_definitions {
        return Err(Refusal::new(
            "QUERY_TOO_LARGE",
            "definitions",
            format!(
                "the document has {definitions} operations and fragments; at most {} are accepted",
                limits.max_definitions
            ),
        ));
    }
    let mut walker = Walker {
        doc,
        schema,
        variables,
        limits,
        memo: HashMap::new(),
        stack: Vec::new(),
        introspection: false,
    };
    let mut total = Tally::default();
    let mut analysis = Analysis::default();
    for (name, op) in doc.operations.iter() {
        if analysis.operation_name.is_none() {
            analysis.operation_name = name.map(|n| n.to_string());
        }
        let root = match op.node.ty {
            OperationType::Query => schema.query.as_str(),
            OperationType::Mutation => {
                analysis.mutation = true;
                schema.mutation.as_str()
            }
            OperationType::Subscription => {
                return Err(Refusal::new(
                    "GRAPHQL_VALIDATION_FAILED",
                    "operation",
                    "subscriptions are not served",
                ));
            }
        };
        walker.directives(&op.node.directives)?;
        for var in &op.node.variable_definitions {
            walker.directives(&var.node.directives)?;
        }
        let mode = Mode {
            list_multiplier: cost::LIST_ESTIMATE,
            introspection: false,
        };
        let tally = walker.set(&op.node.selection_set.node, Some(root), mode, true)?;
        total.add(&tally);
        total.directives = total
            .directives
            .saturating_add(op.node.directives.len() as u64);
    }
    for fragment in doc.fragments.values() {
        walker.directives(&fragment.node.directives)?;
    }
    analysis.fields = total.fields;
    analysis.aliases = total.aliases;
    analysis.typenames = total.typenames;
    analysis.directives = total.directives;
    analysis.depth = total.depth;
    analysis.cost = total.cost;
    analysis.logins = total.logins;
    analysis.introspection = walker.introspection;
    limits_hit(&analysis, limits)?;
    if analysis.introspection && !limits.introspection {
        return Err(Refusal::new(
            "INTROSPECTION_DISABLED",
            "introspection",
            "introspection is switched off on this server; the schema is at /schema.graphql",
        ));
    }
    Ok(analysis)
}

fn limits_hit(a: &Analysis, l: &Limits) -> Result<(), Refusal> {
    let over = |code, limit, what: &str, n: u64, max: u64| {
        Err(Refusal::new(
            code,
            limit,
            format!("the document has {n} {what}; at most {max} are accepted"),
        ))
    };
    if a.fields > l.max_fields {
        return over(
            "QUERY_TOO_LARGE",
            "fields",
            "field selections (fragments expanded, aliases and __typename included)",
            a.fields,
            l.max_fields,
        );
    }
    if a.aliases > l.max_aliases {
        return over(
            "QUERY_TOO_LARGE",
            "aliases",
            "aliases",
            a.aliases,
            l.max_aliases,
        );
    }
    if a.typenames > l.max_typename {
        return over(
            "QUERY_TOO_LARGE",
            "typename",
            "__typename selections",
            a.typenames,
            l.max_typename,
        );
    }
    if a.directives > l.max_directives {
        return over(
            "TOO_MANY_DIRECTIVES",
            "directives",
            "directives (fragments expanded)",
            a.directives,
            l.max_directives,
        );
    }
    if a.depth > l.max_depth as u64 {
        return Err(Refusal::new(
            "QUERY_TOO_DEEP",
            "depth",
            format!(
                "the document selects fields {} deep; at most {} are accepted",
                a.depth, l.max_depth
            ),
        ));
    }
    if a.logins > 1 {
        return Err(Refusal::new(
            "LOGIN_LIMIT",
            "logins",
            format!(
                "`login` may appear once per request, not {} times",
                a.logins
            ),
        ));
    }
    if a.cost > l.max_cost {
        return Err(Refusal {
            cost: Some(a.cost),
            ..Refusal::new(
                "QUERY_TOO_COMPLEX",
                "cost",
                format!(
                    "the document costs {} points; at most {} are accepted per request",
                    a.cost, l.max_cost
                ),
            )
        });
    }
    Ok(())
}

impl<'a> Walker<'a> {
    fn directives(&self, directives: &'a [Positioned<Directive>]) -> Result<u64, Refusal> {
        if directives.len() > self.limits.max_directives_per_field {
            return Err(Refusal::new(
                "TOO_MANY_DIRECTIVES",
                "directives_per_field",
                format!(
                    "a selection carries {} directives; at most {} are accepted on one",
                    directives.len(),
                    self.limits.max_directives_per_field
                ),
            ));
        }
        for d in directives {
            let name = d.node.name.node.as_str();
            if !self.schema.executable_directives.contains(name) {
                return Err(Refusal::new(
                    "GRAPHQL_VALIDATION_FAILED",
                    "unknown_directive",
                    format!("unknown directive @{name}"),
                ));
            }
        }
        Ok(directives.len() as u64)
    }

    fn set(
        &mut self,
        set: &'a SelectionSet,
        parent: Option<&'a str>,
        mode: Mode,
        root: bool,
    ) -> Result<Tally, Refusal> {
        let mut tally = Tally::default();
        for item in &set.items {
            let directives = self.directives(item.node.directives())?;
            let mut t = match &item.node {
                Selection::Field(field) => self.field(&field.node, parent, mode, root)?,
                Selection::InlineFragment(inline) => {
                    let on = inline
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str())
                        .or(parent);
                    self.set(&inline.node.selection_set.node, on, mode, root)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    self.fragment(name, mode, root)?
                }
            };
            t.directives = t.directives.saturating_add(directives);
            tally.add(&t);
        }
        Ok(tally)
    }

    fn fragment(&mut self, name: &'a str, mode: Mode, root: bool) -> Result<Tally, Refusal> {
        if let Some(t) = self.memo.get(&(name, mode)) {
            return Ok(*t);
        }
        if self.stack.contains(&name) {
            return Err(Refusal::new(
                "GRAPHQL_VALIDATION_FAILED",
                "fragment_cycle",
                format!("fragment {name} spreads itself"),
            ));
        }
        let Some(fragment) = self.doc.fragments.get(name) else {
            return Err(Refusal::new(
                "GRAPHQL_VALIDATION_FAILED",
                "unknown_fragment",
                format!("unknown fragment {name}"),
            ));
        };
        self.stack.push(name);
        let on = fragment.node.type_condition.node.on.node.as_str();
        let t = self.set(&fragment.node.selection_set.node, Some(on), mode, root);
        self.stack.pop();
        let t = t?;
        self.memo.insert((name, mode), t);
        Ok(t)
    }

    fn field(
        &mut self,
        field: &'a Field,
        parent: Option<&'a str>,
        mode: Mode,
        root: bool,
    ) -> Result<Tally, Refusal> {
        let name = field.name.node.as_str();
        let mut t = Tally {
            fields: 1,
            aliases: u64::from(field.alias.is_some()),
            ..Tally::default()
        };
        if name == "__typename" {
            t.typenames = 1;
            t.depth = 1;
            return Ok(t);
        }
        let enters_introspection = name == "__schema" || name == "__type";
        if enters_introspection {
            self.introspection = true;
        }
        let info = self.schema.field(parent, name);
        let child_type = info.map(|i| i.ty.as_str());
        let is_leaf = info.is_none_or(|i| self.schema.is_leaf(&i.ty));
        let connection = info.is_some_and(|i| i.connection);
        let child_mode = Mode {
            list_multiplier: if connection {
                self.page(field)
            } else {
                cost::LIST_ESTIMATE
            },
            introspection: mode.introspection || enters_introspection,
        };
        let child = self.set(&field.selection_set.node, child_type, child_mode, false)?;
        t.fields = t.fields.saturating_add(child.fields);
        t.aliases = t.aliases.saturating_add(child.aliases);
        t.typenames = t.typenames.saturating_add(child.typenames);
        t.directives = t.directives.saturating_add(child.directives);
        t.logins = child.logins;
        t.depth = if enters_introspection {
            1
        } else {
            child.depth.saturating_add(1)
        };
        t.cost = if mode.introspection {
            0
        } else if enters_introspection {
            cost::INTROSPECTION_COST
        } else {
            let multiplier = match info {
                Some(FieldInfo {
                    list: true,
                    keys: Some(arg),
                    ..
                }) if !is_leaf => self.list_len(field, arg).min(cost::MAX_PAGE),
                Some(i) if i.list && !is_leaf => mode.list_multiplier,
                _ => 1,
            };
            // Scalars and enums are free (their width is capped by
            // `max_fields`); objects, lists and unknown fields cost 1.
            let mut own = u64::from(!(is_leaf && info.is_some()));
            if info.is_some_and(|i| i.stats) {
                let dims = self.list_len(field, "groupBy");
                own = own.saturating_add(cost::STATS_BASE.saturating_mul(1 + dims));
            }
            if root && parent == Some(self.schema.mutation.as_str()) {
                if name == "login" {
                    t.logins = t.logins.saturating_add(1);
                    own = own.saturating_add(cost::LOGIN_COST);
                } else {
                    own = own.saturating_add(cost::MUTATION_COST);
                }
            }
            own.saturating_add(multiplier.saturating_mul(child.cost))
        };
        Ok(t)
    }

    /// The argument `name` of a field, with a variable replaced by its value.
    fn argument(&self, field: &'a Field, name: &str) -> Option<ConstValue> {
        let value = &field.get_argument(name)?.node;
        match value {
            Value::Variable(var) => self.variables.get(var).cloned().or_else(|| {
                self.doc.operations.iter().find_map(|(_, op)| {
                    op.node
                        .variable_definitions
                        .iter()
                        .find(|v| v.node.name.node == *var)
                        .and_then(|v| v.node.default_value().cloned())
                })
            }),
            other => other.clone().into_const(),
        }
    }

    /// The page size a connection field asks for (`first`, else `last`).
    fn page(&self, field: &'a Field) -> u64 {
        let asked = ["first", "last"]
            .iter()
            .find_map(|arg| match self.argument(field, arg) {
                Some(ConstValue::Number(n)) => Some(n.as_u64().unwrap_or(cost::MAX_PAGE)),
                Some(ConstValue::Null) | None => None,
                Some(_) => Some(cost::MAX_PAGE),
            });
        asked.unwrap_or(cost::DEFAULT_PAGE).min(cost::MAX_PAGE)
    }

    /// How many items a list argument holds (a single value counts as one).
    fn list_len(&self, field: &'a Field, name: &str) -> u64 {
        match self.argument(field, name) {
            Some(ConstValue::List(items)) => items.len() as u64,
            Some(ConstValue::Null) | None => 0,
            Some(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> SchemaInfo {
        SchemaInfo::from_sdl(&crate::graphql::sdl())
    }

    fn analyse_doc(query: &str) -> Result<Analysis, Refusal> {
        let limits = Limits {
            max_fields: u64::MAX,
            max_aliases: u64::MAX,
            max_typename: u64::MAX,
            max_cost: u64::MAX,
            max_depth: usize::MAX,
            ..Limits::default()
        };
        check(query, &Variables::default(), &limits, &schema()).map(|c| c.analysis)
    }

    #[test]
    fn counts_aliases_typename_and_fragments() {
        assert_eq!(
            analyse_doc("{ a: __typename b: __typename }")
                .unwrap()
                .fields,
            2
        );
        assert_eq!(
            analyse_doc("{ projects { edges { node { slug } } } }")
                .unwrap()
                .fields,
            4
        );
        let q = "query { ...F ...F } fragment F on QueryRoot { __typename x: __typename }";
        let a = analyse_doc(q).unwrap();
        assert_eq!((a.fields, a.aliases, a.typenames), (4, 2, 4));
        // Fragments that spread each other grow exponentially; the count keeps up.
        let q = "{ ...F3 } fragment F3 on QueryRoot { ...F2 ...F2 } fragment F2 on QueryRoot { ...F1 ...F1 } fragment F1 on QueryRoot { a: __typename b: __typename }";
        assert_eq!(analyse_doc(q).unwrap().fields, 8);
    }

    #[test]
    fn a_connection_costs_its_page_times_its_items() {
        let small = analyse_doc("{ projects(first: 10) { edges { node { slug } } } }").unwrap();
        let large = analyse_doc("{ projects(first: 100) { edges { node { slug } } } }").unwrap();
        // projects 1 + edges 1 + the page × (node 1 + slug 0)
        assert_eq!(small.cost, 1 + 1 + 10);
        assert_eq!(large.cost, 1 + 1 + 100);
        let default = analyse_doc("{ projects { totalCount } }").unwrap();
        assert_eq!(default.cost, 1);
        let nested =
            analyse_doc("{ projects { edges { node { participants { role } } } } }").unwrap();
        // 1 + 1 + 20 (default page) × (node 1 + participants 1 + 5 × 0)
        assert_eq!(nested.cost, 2 + 20 * 2);
        // A nested connection is priced by its own page: 20 projects × (node 1
        // + centres 1 + nodes 1 + 3 × (area 1)).
        let paged = analyse_doc(
            "{ projects { edges { node { centres(first: 3) { nodes { area { name } } } } } } }",
        )
        .unwrap();
        assert_eq!(paged.cost, 2 + 20 * (3 + 3));
    }

    #[test]
    fn a_list_asked_for_by_keys_costs_each_key() {
        // projectOverviews 1 + the slugs × its selection (indicators 1 + 5 × 0)
        let two =
            analyse_doc("{ projectOverviews(slugs: [\"a\", \"b\"]) { indicators { code } } }")
                .unwrap();
        assert_eq!(two.cost, 1 + 2);
        let vars = Variables::from_json(serde_json::json!({ "s": vec!["x"; 40] }));
        let limits = Limits {
            max_cost: u64::MAX,
            ..Limits::default()
        };
        let forty = check(
            "query($s: [String!]!) { projectOverviews(slugs: $s) { indicators { code } } }",
            &vars,
            &limits,
            &schema(),
        )
        .unwrap();
        assert_eq!(forty.analysis.cost, 1 + 40);
    }

    #[test]
    fn statistics_cost_by_their_grouping_and_mutations_more_than_reads() {
        let one = analyse_doc("{ participantStats(groupBy: [SEX]) { __typename } }").unwrap();
        let three =
            analyse_doc("{ participantStats(groupBy: [SEX, AGE_BAND, MONTH]) { __typename } }")
                .unwrap();
        assert!(three.cost > one.cost, "{} vs {}", three.cost, one.cost);
        assert_eq!(one.cost, 1 + cost::STATS_BASE * 2);
        let login =
            analyse_doc("mutation { login(email: \"a\", password: \"b\") { token } }").unwrap();
        assert_eq!(login.logins, 1);
        assert!(login.cost > cost::LOGIN_COST);
    }

    #[test]
    fn the_standard_introspection_query_passes_at_its_flat_price() {
        let a = analyse_doc(STANDARD_INTROSPECTION_QUERY).unwrap();
        assert!(a.introspection);
        assert_eq!(a.depth, 1);
        assert_eq!(a.cost, cost::INTROSPECTION_COST);
    }

    #[test]
    fn introspection_is_exempt_from_depth_and_priced_flat() {
        let q = format!(
            "{{ __schema {{ types {{ fields {{ type {{ {} name {} }} }} }} }} }}",
            "ofType { ".repeat(9),
            "} ".repeat(9)
        );
        let q = q.as_str();
        let a = analyse_doc(q).unwrap();
        assert_eq!(a.depth, 1);
        assert_eq!(a.cost, cost::INTROSPECTION_COST);
        assert!(a.introspection);
    }

    #[test]
    fn the_lexer_counts_tokens_and_nesting_without_parsing() {
        let limits = Limits::default();
        let deep = "{".repeat(100);
        assert_eq!(scan(&deep, &limits).unwrap_err().limit, "nesting");
        let many = "{ ".to_string() + &"a ".repeat(5_000) + "}";
        assert_eq!(scan(&many, &limits).unwrap_err().limit, "tokens");
        assert!(
            scan(
                "query Q($a: Int = -1.5e3) { x(s: \"}}}\" b: \"\"\"{{{\"\"\") }",
                &limits
            )
            .is_ok()
        );
    }
}

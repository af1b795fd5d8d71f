//! The cost model: what one GraphQL document is priced at before it runs.
//!
//! The price is computed from the document and the schema's shape (read once
//! from the SDL), never by running anything, in the same memoised walk that
//! counts fields (see [`super::limits`]):
//!
//! | selection | points |
//! | --- | --- |
//! | `__typename` | 0 |
//! | a scalar or enum field | 0 (their number is capped by `API_MAX_FIELDS`) |
//! | any other field | 1, plus what its selection costs |
//! | a connection (`first`/`last` page) | 1 + the page size (default 20, at most 100) × what one `edges`/`nodes` item costs; `totalCount` and `pageInfo` once |
//! | a plain list of objects (`centres`, `attendance`, …) | 1 + [`LIST_ESTIMATE`] × what one item costs |
//! | a list asked for by keys (a `slugs` or `ids` list argument: `projectOverviews`) | 1 + the number of keys (at most 100) × what one item costs |
//! | a statistics field (any field with a `groupBy` argument) | [`STATS_BASE`] × (1 + number of grouping dimensions), plus its selection |
//! | a mutation field | [`MUTATION_COST`] more; `login` costs [`LOGIN_COST`] and is allowed once per request |
//! | standard introspection (`__schema`, `__type`) | [`INTROSPECTION_COST`], whatever it selects |

use std::collections::{HashMap, HashSet};

use async_graphql::parser::types::{
    BaseType, DirectiveLocation, Type, TypeKind, TypeSystemDefinition,
};

/// Items a plain (non-connection) list of objects is assumed to hold.
pub const LIST_ESTIMATE: u64 = 5;
/// Price of one statistics field per grouping (the query groups in SQL).
pub const STATS_BASE: u64 = 100;
/// Extra price of every mutation field (a write transaction and an audit row).
pub const MUTATION_COST: u64 = 10;
/// Price of `login` (argon2id verification, ~16 ms of CPU).
pub const LOGIN_COST: u64 = 100;
/// Flat price of an introspection field (`__schema`, `__type`): its work is
/// bounded by the size of the schema, not by the data.
pub const INTROSPECTION_COST: u64 = 10;
/// Page size of a connection asked for without `first` or `last`.
pub const DEFAULT_PAGE: u64 = crate::graphql::pagination::DEFAULT_PAGE;
/// Largest page a connection serves (larger asks are refused by the resolver
/// and priced at this).
pub const MAX_PAGE: u64 = crate::graphql::pagination::MAX_PAGE;

/// What the cost walk needs to know about one field of an output type.
#[derive(Debug, Clone)]
pub struct FieldInfo {
    /// The named type the field returns (list and non-null stripped).
    pub ty: String,
    /// The field returns a list.
    pub list: bool,
    /// The field returns a connection (`first`/`last` and `edges`).
    pub connection: bool,
    /// The field is a statistics aggregate (has a `groupBy` argument).
    pub stats: bool,
    /// The list argument (`slugs`, `ids`) whose keys the field returns one
    /// item each for: priced per key, not at [`LIST_ESTIMATE`].
    pub keys: Option<String>,
}

/// The schema's output types, as far as pricing needs them.
#[derive(Debug, Clone, Default)]
pub struct SchemaInfo {
    /// Output type → field → what it returns.
    pub types: HashMap<String, HashMap<String, FieldInfo>>,
    /// Scalars and enums: fields of these types have no selection.
    pub leaves: HashSet<String>,
    /// Name of the query root type.
    pub query: String,
    /// Name of the mutation root type.
    pub mutation: String,
    /// Directives a client may put in an executable document.
    pub executable_directives: HashSet<String>,
}

fn named(ty: &Type) -> (String, bool) {
    match &ty.base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => (named(inner).0, true),
    }
}

impl SchemaInfo {
    /// Reads the shape of the schema from its SDL.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut info = Self {
            query: "Query".into(),
            mutation: "Mutation".into(),
            ..Self::default()
        };
        info.executable_directives
            .extend(["skip".to_string(), "include".to_string()]);
        for scalar in ["Int", "Float", "String", "Boolean", "ID"] {
            info.leaves.insert(scalar.to_string());
        }
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            tracing::error!("the schema's own SDL does not parse: costs fall back to 1 a field");
            return info;
        };
        let mut connections = HashSet::new();
        for def in &doc.definitions {
            match def {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(q) = &schema.node.query {
                        info.query = q.node.to_string();
                    }
                    if let Some(m) = &schema.node.mutation {
                        info.mutation = m.node.to_string();
                    }
                }
                TypeSystemDefinition::Directive(d) => {
                    let executable = d.node.locations.iter().any(|l| {
                        matches!(
                            l.node,
                            DirectiveLocation::Field
                                | DirectiveLocation::FragmentSpread
                                | DirectiveLocation::InlineFragment
                                | DirectiveLocation::Query
                                | DirectiveLocation::Mutation
                                | DirectiveLocation::FragmentDefinition
                                | DirectiveLocation::VariableDefinition
                        )
                    });
                    if executable {
                        info.executable_directives
                            .insert(d.node.name.node.to_string());
                    }
                }
                TypeSystemDefinition::Type(t) => {
                    let name = t.node.name.node.to_string();
                    let fields = match &t.node.kind {
                        TypeKind::Scalar | TypeKind::Enum(_) => {
                            info.leaves.insert(name);
                            continue;
                        }
                        TypeKind::Object(o) => &o.fields,
                        TypeKind::Interface(i) => &i.fields,
                        TypeKind::Union(_) | TypeKind::InputObject(_) => continue,
                    };
                    if fields.iter().any(|f| f.node.name.node == "edges") {
                        connections.insert(name.clone());
                    }
                    let map = fields
                        .iter()
                        .map(|f| {
                            let (ty, list) = named(&f.node.ty.node);
                            let has = |arg: &str| {
                                f.node.arguments.iter().any(|a| a.node.name.node == arg)
                            };
                            let keys = f
                                .node
                                .arguments
                                .iter()
                                .find(|a| {
                                    matches!(a.node.name.node.as_str(), "slugs" | "ids")
                                        && matches!(a.node.ty.node.base, BaseType::List(_))
                                })
                                .filter(|_| list)
                                .map(|a| a.node.name.node.to_string());
                            (
                                f.node.name.node.to_string(),
                                FieldInfo {
                                    ty,
                                    list,
                                    connection: has("first") || has("last"),
                                    stats: has("groupBy"),
                                    keys,
                                },
                            )
                        })
                        .collect();
                    info.types.insert(name, map);
                }
            }
        }
        // A field is a connection only when its type really is one.
        for fields in info.types.values_mut() {
            for f in fields.values_mut() {
                f.connection = f.connection && !f.list && connections.contains(&f.ty);
            }
        }
        info
    }

    /// What `parent.field` returns; `None` for an unknown type or field
    /// (validation refuses those later, the walk prices them at 1).
    pub fn field(&self, parent: Option<&str>, field: &str) -> Option<&FieldInfo> {
        self.types.get(parent?)?.get(field)
    }

    /// True when fields of this type select nothing below them.
    pub fn is_leaf(&self, ty: &str) -> bool {
        self.leaves.contains(ty)
    }
}

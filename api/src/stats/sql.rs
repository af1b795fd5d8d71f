//! SQL text shared by the statistics services: parameters with the right
//! placeholder per backend, date parts on both engines (dates are TEXT
//! `YYYY-MM-DD` on SQLite and DATE on PostgreSQL), and the common table
//! expressions that place things in districts.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, QueryResult, Statement, Value};

/// A statement being written, with its parameters in order.
pub struct Sql {
    backend: DatabaseBackend,
    /// The SQL text so far.
    pub text: String,
    values: Vec<Value>,
}

impl Sql {
    /// An empty statement for `backend`.
    pub fn new(backend: DatabaseBackend) -> Self {
        Self {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    /// The backend the text is written for.
    pub fn backend(&self) -> DatabaseBackend {
        self.backend
    }

    /// Appends text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a bound parameter.
    pub fn param(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DatabaseBackend::Postgres => {
                let n = self.values.len();
                self.text.push_str(&format!("${n}"));
            }
            _ => self.text.push('?'),
        }
        self
    }

    /// Appends `expr IN (ids…)`, or a false condition for no ids.
    pub fn in_ids(&mut self, expr: &str, ids: &[i32]) -> &mut Self {
        if ids.is_empty() {
            return self.push("1 = 0");
        }
        self.push(expr).push(" IN (");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.param(*id);
        }
        self.push(")")
    }

    /// Appends `expr = value`, or `expr IS NULL`.
    pub fn eq_opt(&mut self, expr: &str, value: &Option<String>) -> &mut Self {
        match value {
            Some(v) => self.push(expr).push(" = ").param(v.clone()),
            None => self.push(expr).push(" IS NULL"),
        }
    }

    /// The text and the bound values, for a statement that returns no rows.
    pub fn into_parts(self) -> (String, Vec<Value>) {
        (self.text, self.values)
    }

    /// Runs the statement.
    pub async fn all(self, db: &impl ConnectionTrait) -> Result<Vec<QueryResult>, DbErr> {
        db.query_all_raw(Statement::from_sql_and_values(
            self.backend,
            self.text,
            self.values,
        ))
        .await
    }
}

/// `YYYY` of a date expression.
pub fn year(backend: DatabaseBackend, date: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("to_char({date}, 'YYYY')"),
        _ => format!("substr({date}, 1, 4)"),
    }
}

/// `YYYY-MM` of a date expression.
pub fn month(backend: DatabaseBackend, date: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("to_char({date}, 'YYYY-MM')"),
        _ => format!("substr({date}, 1, 7)"),
    }
}

/// `YYYY-Qn` of a date expression.
pub fn quarter(backend: DatabaseBackend, date: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("to_char({date}, 'YYYY-\"Q\"Q')"),
        _ => format!(
            "(substr({date}, 1, 4) || '-Q' || CAST((CAST(substr({date}, 6, 2) AS INTEGER) + 2) / 3 AS TEXT))"
        ),
    }
}

/// A period part (`part` is [`year`], [`month`] or [`quarter`]) of a period
/// `[start, end]`: defined only when the whole period falls in one such part;
/// NULL when the period spans several or its end is unknown.
pub fn period_part(
    backend: DatabaseBackend,
    part: fn(DatabaseBackend, &str) -> String,
    start: &str,
    end: &str,
) -> String {
    let s = part(backend, start);
    let e = part(backend, end);
    format!("(CASE WHEN {start} IS NOT NULL AND {end} IS NOT NULL AND {s} = {e} THEN {s} END)")
}

/// An integer column as text (keys of the statistics are text on both engines).
pub fn text_of(expr: &str) -> String {
    format!("CAST({expr} AS TEXT)")
}

/// `WITH RECURSIVE` prelude defining:
/// - `area_up(id, anc)`: every area with itself and each of its ancestors;
/// - `area_district(area_id, district_id)`: the district-level ancestor of an
///   area (a district, or a city directly under the country or an economic
///   region, such as Bakı, Gəncə and Mingəçevir);
/// - `area_tree(id)` when `tree_root` is given: that area and all below it
///   ([`crate::queries::places::area_tree_cte`], the one area tree);
/// - `project_org(project_id, organisation_id)`: the organisation accountable
///   for each project (the lowest id when several are).
pub fn prelude(tree_root: Option<i32>) -> String {
    let mut text = String::from(
        "WITH RECURSIVE area_up(id, anc) AS (\
           SELECT id, id FROM areas \
           UNION ALL SELECT u.id, a.parent_id FROM area_up u JOIN areas a ON a.id = u.anc \
           WHERE a.parent_id IS NOT NULL), \
         area_district(area_id, district_id) AS (\
           SELECT u.id, MIN(u.anc) FROM area_up u JOIN areas a ON a.id = u.anc \
           LEFT JOIN areas p ON p.id = a.parent_id \
           WHERE a.kind = 'district' OR (a.kind = 'city' AND (p.id IS NULL OR p.kind IN ('country', 'economic_region'))) \
           GROUP BY u.id), \
         project_org(project_id, organisation_id) AS (\
           SELECT project_id, MIN(organisation_id) FROM project_participants \
           WHERE role = 'accountable' GROUP BY project_id)",
    );
    if let Some(root) = tree_root {
        text.push_str(", ");
        text.push_str(&crate::queries::places::area_tree_cte(root));
    }
    text
}

/// Reads column `i` as optional text.
pub fn text_at(row: &QueryResult, i: usize) -> Result<Option<String>, DbErr> {
    row.try_get_by_index::<Option<String>>(i)
        .map_err(|e| DbErr::Custom(format!("column {i}: {e}")))
}

/// Reads column `i` as an integer (counts and flags).
pub fn int_at(row: &QueryResult, i: usize) -> Result<i64, DbErr> {
    if let Ok(v) = row.try_get_by_index::<i64>(i) {
        return Ok(v);
    }
    row.try_get_by_index::<i32>(i)
        .map(i64::from)
        .map_err(|e| DbErr::Custom(format!("column {i}: {e}")))
}

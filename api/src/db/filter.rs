//! Small query-building helpers shared by the writers (services and the seeder).

use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ColumnTrait, Value};

/// `col = value`, or `col IS NULL` when there is no value: how a nullable
/// part of a natural key is matched (SQL's `= NULL` never matches).
pub fn eq_opt<Col: ColumnTrait, V: Into<Value>>(col: Col, value: Option<V>) -> SimpleExpr {
    match value {
        Some(v) => col.eq(v),
        None => col.is_null(),
    }
}

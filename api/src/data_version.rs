//! The data version: a number that grows whenever published data changes,
//! read with one indexed statement. ETags of cacheable reads are built on it.
//!
//! Every write service records an audit row in the same transaction as its
//! change, and the demo seed records one when it inserts anything, so the
//! highest audit id moves with every change made through the API, the CLI or
//! the seed. A change of a project's visibility (`is_public`, `sensitivity`,
//! `status`) writes an audit row by a database trigger (migration
//! `m20261207_000011`), so it moves the version even when made with SQL by
//! hand. (Other hand-made SQL changes bypass it: let caches expire, or insert
//! an audit row.)

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QuerySelect};

/// The current data version (0 on an empty audit log).
pub async fn current<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    use sea_orm::sea_query::Expr;
    let max: Option<Option<i64>> = entities::audit_entry::Entity::find()
        .select_only()
        // BIGINT on both engines (PostgreSQL's max of an int4 is an int4).
        .column_as(Expr::cust("CAST(MAX(id) AS BIGINT)"), "v")
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

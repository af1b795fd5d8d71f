//! Small builders shared by the migrations.
//!
//! Applied migrations must never change what they create, so these helpers are
//! frozen: never change the SQL one of them produces. When a later migration
//! needs something different, add a new helper next to the old one.

use sea_orm_migration::{prelude::*, schema::*};

/// Length of the columns that store a code list value (`entities::codes`).
pub const CODE_LEN: u32 = 40;

/// A NOT NULL code list column: `varchar(40)`.
pub fn code<T: IntoIden>(col: T) -> ColumnDef {
    string_len(col, CODE_LEN)
}

/// A nullable code list column: `varchar(40)`.
pub fn code_null<T: IntoIden>(col: T) -> ColumnDef {
    string_len_null(col, CODE_LEN)
}

/// The optimistic concurrency column: `integer NOT NULL DEFAULT 1 CHECK (version >= 1)`.
pub fn version_col<C: IntoIden + Copy>(table: &str, col: C) -> ColumnDef {
    integer(col)
        .default(1)
        .check((format!("ck_{table}_version"), Expr::col(col).gte(1)))
        .take()
}

/// A named `CHECK (col >= 0)` column constraint, for counts and amounts.
pub fn non_negative<C: IntoIden + Copy>(mut def: ColumnDef, table: &str, col: C) -> ColumnDef {
    let name = format!("ck_{table}_{}_non_negative", col.into_iden());
    def.check((name, Expr::col(col).gte(0)));
    def
}

/// A named `CHECK (col BETWEEN 0 AND 100)` column constraint.
pub fn percent<C: IntoIden + Copy>(mut def: ColumnDef, table: &str, col: C) -> ColumnDef {
    let name = format!("ck_{table}_{}_range", col.into_iden());
    def.check((name, Expr::col(col).between(0, 100)));
    def
}

/// `CONSTRAINT fk_<table>_<col> FOREIGN KEY (col) REFERENCES <to> (id) ON DELETE <action>`,
/// to be put inline into the `CREATE TABLE` (SQLite cannot add foreign keys later;
/// its DDL also leaves out the constraint name).
///
/// References that must block a delete use NO ACTION rather than RESTRICT: on
/// PostgreSQL the two behave alike for non-deferred keys, but SQLite reports a
/// RESTRICT violation as SQLITE_CONSTRAINT_TRIGGER (1811), which sea-orm's
/// `DbErr::sql_err()` does not recognise as a foreign key violation, while NO
/// ACTION gives SQLITE_CONSTRAINT_FOREIGNKEY (787). NO ACTION also lets SQLite's
/// `DROP TABLE` empty a self-referencing table (`parent_id`) in `down`.
pub fn fk<T, C, R>(
    table: T,
    col: C,
    to: R,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement
where
    T: IntoIden,
    C: IntoIden,
    R: IntoIden,
{
    let table = table.into_iden();
    let col = col.into_iden();
    ForeignKey::create()
        .name(format!("fk_{table}_{col}"))
        .from_tbl(table)
        .from_col(col)
        .to_tbl(to.into_iden())
        .to_col(Alias::new("id"))
        .on_delete(on_delete)
        .take()
}

/// A plain index `ix_<table>_<col1>_<col2>…`.
pub fn index<T, C>(table: T, cols: &[C]) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIden + Copy,
{
    named_index("ix", table, cols)
}

/// A unique index `ux_<table>_<col1>_<col2>…`.
pub fn unique<T, C>(table: T, cols: &[C]) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIden + Copy,
{
    named_index("ux", table, cols).unique().take()
}

fn named_index<T, C>(prefix: &str, table: T, cols: &[C]) -> IndexCreateStatement
where
    T: IntoIden,
    C: IntoIden + Copy,
{
    let table = table.into_iden();
    let mut name = format!("{prefix}_{table}");
    let mut stmt = Index::create();
    for col in cols {
        let col = col.into_iden();
        name.push('_');
        name.push_str(&col.to_string());
        stmt.col(col);
    }
    stmt.name(name).table(table).take()
}

/// Creates a table and then its indexes.
pub async fn create_table_with_indexes(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}

/// Drops tables one by one, in the order given (children first).
pub async fn drop_tables(manager: &SchemaManager<'_>, tables: Vec<DynIden>) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(table).take())
            .await?;
    }
    Ok(())
}

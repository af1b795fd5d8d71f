//! A change of a project's visibility (`is_public`, `sensitivity`, `status`:
//! archiving is a status) writes an audit row, by a trigger, whoever makes
//! it: a mutation, the seed, or SQL by hand.
//!
//! The data version that ETags of public reads are built on is the highest
//! audit id (the API's `data_version`), so such a change moves it: cached
//! answers stop matching, 304s stop, and an answer that lost a project
//! carries a new ETag. Without it, a project made private by SQL kept its old
//! public ETag (a stale 304 for a client holding the public answer).
//! Only a real change writes a row (the seed re-writing the same values does
//! not), and the row names no actor (`actor_user_id` NULL: the database).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_TRIGGER: &str = "\
CREATE TRIGGER projects_visibility_audit \
AFTER UPDATE OF is_public, sensitivity, status ON projects FOR EACH ROW \
WHEN OLD.is_public IS NOT NEW.is_public OR OLD.sensitivity IS NOT NEW.sensitivity \
  OR OLD.status IS NOT NEW.status \
BEGIN \
  INSERT INTO audit_log (actor_user_id, actor_api_key_id, action, entity_type, entity_id, \
    before, after, request_id, created_at) \
  VALUES (NULL, NULL, 'project.visibility', 'project', CAST(NEW.id AS TEXT), \
    json_object('isPublic', json(CASE WHEN OLD.is_public THEN 'true' ELSE 'false' END), \
      'sensitivity', OLD.sensitivity, 'status', OLD.status), \
    json_object('isPublic', json(CASE WHEN NEW.is_public THEN 'true' ELSE 'false' END), \
      'sensitivity', NEW.sensitivity, 'status', NEW.status), \
    NULL, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')); \
END";

const POSTGRES_FUNCTION: &str = "\
CREATE OR REPLACE FUNCTION projects_visibility_audit() RETURNS trigger LANGUAGE plpgsql AS $$ \
BEGIN \
  IF OLD.is_public IS DISTINCT FROM NEW.is_public \
     OR OLD.sensitivity IS DISTINCT FROM NEW.sensitivity \
     OR OLD.status IS DISTINCT FROM NEW.status THEN \
    INSERT INTO audit_log (actor_user_id, actor_api_key_id, action, entity_type, entity_id, \
      before, after, request_id, created_at) \
    VALUES (NULL, NULL, 'project.visibility', 'project', NEW.id::text, \
      json_build_object('isPublic', OLD.is_public, 'sensitivity', OLD.sensitivity, 'status', OLD.status), \
      json_build_object('isPublic', NEW.is_public, 'sensitivity', NEW.sensitivity, 'status', NEW.status), \
      NULL, now()); \
  END IF; \
  RETURN NEW; \
END $$";

const POSTGRES_TRIGGER: &str = "\
CREATE TRIGGER projects_visibility_audit AFTER UPDATE ON projects \
FOR EACH ROW EXECUTE FUNCTION projects_visibility_audit()";

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(POSTGRES_FUNCTION).await?;
                db.execute_unprepared(POSTGRES_TRIGGER).await?;
            }
            _ => {
                db.execute_unprepared(SQLITE_TRIGGER).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "DROP TRIGGER IF EXISTS projects_visibility_audit ON projects",
                )
                .await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS projects_visibility_audit()")
                    .await?;
            }
            _ => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS projects_visibility_audit")
                    .await?;
            }
        }
        Ok(())
    }
}

//! The limit: workloads 1–4 as hand-written SQL through sqlx on PostgreSQL,
//! behind a bare axum route each (`POST /w1` … `/w4`, the same request
//! bodies as the GraphQL workloads), answering the same data as JSON. Run as
//! its own process (`bench raw-server`) so its CPU and memory are measured
//! like the API's. It reads as admin does (no visibility rules, no
//! suppression): it is what the data costs, not a second implementation.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use sea_orm::sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sea_orm::sqlx::{self, Row};
use serde_json::{Value, json};

type Shared = Arc<PgPool>;
type Answer = Result<Json<Value>, (axum::http::StatusCode, String)>;

fn fail(e: impl std::fmt::Display) -> (axum::http::StatusCode, String) {
    (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// Serves the hand-written workloads on `port` until killed.
pub async fn serve(database_url: &str, port: u16) -> anyhow::Result<()> {
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .test_before_acquire(false)
        .connect(database_url)
        .await?;
    let app = Router::new()
        .route("/w1", post(w1))
        .route("/w2", post(w2))
        .route("/w3", post(w3))
        .route("/w4", post(w4))
        .with_state(Arc::new(pool));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("raw SQL server on {}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

fn raw_id(global: &Value) -> i32 {
    // Global IDs are base64url("Type:id"); the harness sends them as the API gave them.
    let text = global.as_str().unwrap_or_default();
    api_id(text).unwrap_or(0)
}

/// Decodes a global ID (`base64url("Type:123")`).
pub fn api_id(global: &str) -> Option<i32> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(global)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .rsplit_once(':')?
        .1
        .parse()
        .ok()
}

async fn w1(State(db): State<Shared>, Json(body): Json<Value>) -> Answer {
    let org = raw_id(&body["variables"]["org"]);
    let slug = body["variables"]["slug"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let projects = sqlx::query(
        "SELECT p.id, p.slug, p.title_en, p.status, p.planned_start::text, p.planned_end::text, \
         p.budget_amount, p.budget_currency, COUNT(*) OVER () \
         FROM projects p JOIN project_participants pp ON pp.project_id = p.id \
         WHERE pp.organisation_id = $1 AND pp.role = 'funding' ORDER BY p.id LIMIT 20",
    )
    .bind(org)
    .fetch_all(&*db)
    .await
    .map_err(fail)?;
    let total: i64 = projects.first().map_or(0, |r| r.get(8));
    let projects: Vec<Value> = projects
        .iter()
        .map(|r: &PgRow| {
            json!({ "id": r.get::<i32, _>(0), "slug": r.get::<String, _>(1), "title": r.get::<String, _>(2),
                    "status": r.get::<String, _>(3), "plannedStart": r.get::<Option<String>, _>(4),
                    "plannedEnd": r.get::<Option<String>, _>(5),
                    "budget": { "amount": r.get::<Option<i64>, _>(6), "currency": r.get::<Option<String>, _>(7) } })
        })
        .collect();
    let p = sqlx::query(
        "SELECT id, status, planned_start::text, planned_end::text FROM projects WHERE slug = $1",
    )
    .bind(&slug)
    .fetch_one(&*db)
    .await
    .map_err(fail)?;
    let pid: i32 = p.get(0);
    let facts = sqlx::query(
        "SELECT \
          (SELECT COALESCE(SUM(a.count), 0)::bigint FROM attendance a JOIN events e ON e.id = a.event_id \
            WHERE e.project_id = $1 AND e.status = 'held' AND e.kind = 'training'), \
          (SELECT COUNT(*) FROM events WHERE project_id = $1 AND status = 'held'), \
          (SELECT COALESCE(SUM(value), 0)::bigint FROM service_counts \
            WHERE project_id = $1 AND stage = 'received' AND unit = 'persons'), \
          (SELECT COALESCE(SUM(a.count), 0)::bigint FROM attendance a JOIN events e ON e.id = a.event_id \
            WHERE e.project_id = $1 AND e.status = 'held')",
    )
    .bind(pid)
    .fetch_one(&*db)
    .await
    .map_err(fail)?;
    let indicators = sqlx::query(
        "SELECT code, title_en, target, derived_from FROM indicators WHERE project_id = $1 ORDER BY id",
    )
    .bind(pid)
    .fetch_all(&*db)
    .await
    .map_err(fail)?;
    let indicators: Vec<Value> = indicators
        .iter()
        .map(|r| {
            let actual: i64 = match r.get::<Option<String>, _>(3).as_deref() {
                Some("attendance.training") => facts.get(0),
                Some("events.held") => facts.get(1),
                _ => facts.get(2),
            };
            let target: Option<i64> = r.get(2);
            json!({ "code": r.get::<String, _>(0), "title": r.get::<String, _>(1), "target": target,
                    "actual": { "value": actual, "suppressed": false },
                    "percentOfTarget": target.map(|t| actual as f64 * 100.0 / t as f64) })
        })
        .collect();
    let centres =
        sqlx::query("SELECT status, COUNT(*) FROM centres WHERE project_id = $1 GROUP BY status")
            .bind(pid)
            .fetch_all(&*db)
            .await
            .map_err(fail)?;
    let services = sqlx::query(
        "SELECT unit, SUM(value)::bigint FROM service_counts WHERE project_id = $1 GROUP BY unit",
    )
    .bind(pid)
    .fetch_all(&*db)
    .await
    .map_err(fail)?;
    let areas = sqlx::query(
        "SELECT id, name_en FROM areas WHERE id IN (SELECT area_id FROM project_areas WHERE project_id = $1 \
         UNION SELECT area_id FROM centres WHERE project_id = $1) ORDER BY id",
    )
    .bind(pid)
    .fetch_all(&*db)
    .await
    .map_err(fail)?;
    Ok(Json(json!({ "data": {
        "projects": { "totalCount": total, "edges": projects.into_iter().map(|n| json!({ "node": n })).collect::<Vec<_>>() },
        "projectOverview": {
            "status": p.get::<String, _>(1), "plannedStart": p.get::<Option<String>, _>(2),
            "plannedEnd": p.get::<Option<String>, _>(3),
            "indicators": indicators,
            "centresByStatus": centres.iter().map(|r| json!({ "status": r.get::<Option<String>, _>(0), "count": r.get::<i64, _>(1) })).collect::<Vec<_>>(),
            "participants": [{ "unit": "PERSONS", "value": facts.get::<i64, _>(3), "suppressed": false }],
            "services": services.iter().map(|r| json!({ "unit": r.get::<String, _>(0), "value": r.get::<Option<i64>, _>(1) })).collect::<Vec<_>>(),
            "areas": areas.iter().map(|r| json!({ "id": r.get::<i32, _>(0), "name": r.get::<String, _>(1) })).collect::<Vec<_>>(),
        }
    }})))
}

async fn w2(State(db): State<Shared>, Json(body): Json<Value>) -> Answer {
    let first = body["variables"]["first"].as_i64().unwrap_or(50);
    let events = sqlx::query(
        "SELECT e.id, e.kind, e.title_en, e.start_date::text, e.end_date::text, c.id, c.name_en \
         FROM events e LEFT JOIN centres c ON c.id = e.centre_id \
         ORDER BY e.start_date DESC NULLS LAST, e.id DESC LIMIT $1",
    )
    .bind(first)
    .fetch_all(&*db)
    .await
    .map_err(fail)?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&*db)
        .await
        .map_err(fail)?;
    let ids: Vec<i32> = events.iter().map(|r| r.get(0)).collect();
    let cells = sqlx::query(
        "SELECT event_id, sex, age_band, disability, category, count FROM attendance \
         WHERE event_id = ANY($1) ORDER BY event_id, id",
    )
    .bind(&ids)
    .fetch_all(&*db)
    .await
    .map_err(fail)?;
    let mut by_event: std::collections::HashMap<i32, Vec<Value>> = std::collections::HashMap::new();
    for c in &cells {
        by_event.entry(c.get(0)).or_default().push(json!({
            "sex": c.get::<String, _>(1), "ageBand": c.get::<String, _>(2),
            "disability": c.get::<String, _>(3), "category": c.get::<String, _>(4),
            "count": c.get::<i32, _>(5), "suppressed": false }));
    }
    let edges: Vec<Value> = events
        .iter()
        .map(|r| {
            let id: i32 = r.get(0);
            let cells = by_event.remove(&id).unwrap_or_default();
            let total: i64 = cells.iter().map(|c| c["count"].as_i64().unwrap_or(0)).sum();
            let centre = r
                .get::<Option<i32>, _>(5)
                .map(|cid| json!({ "id": cid, "name": r.get::<Option<String>, _>(6) }));
            json!({ "node": { "id": id, "kind": r.get::<String, _>(1), "title": r.get::<String, _>(2),
                "startDate": r.get::<Option<String>, _>(3), "endDate": r.get::<Option<String>, _>(4),
                "centre": centre,
                "attendance": { "total": { "value": total, "suppressed": false }, "cells": cells } } })
        })
        .collect();
    Ok(Json(
        json!({ "data": { "events": { "totalCount": total, "edges": edges } } }),
    ))
}

/// District × month with the districts computed once over the (small) area
/// table and attendance summed per event before the join.
pub const DISTRICT_BY_MONTH_SQL: &str = "WITH RECURSIVE up(id, anc) AS ( \
      SELECT id, id FROM areas \
      UNION ALL SELECT u.id, a.parent_id FROM up u JOIN areas a ON a.id = u.anc WHERE a.parent_id IS NOT NULL), \
    district(area_id, district_id) AS ( \
      SELECT u.id, MIN(u.anc) FROM up u JOIN areas a ON a.id = u.anc LEFT JOIN areas p ON p.id = a.parent_id \
      WHERE a.kind = 'district' OR (a.kind = 'city' AND (p.id IS NULL OR p.kind IN ('country', 'economic_region'))) \
      GROUP BY u.id), \
    per_event AS (SELECT event_id, SUM(count)::bigint AS n FROM attendance GROUP BY event_id), \
    event_district AS ( \
      SELECT e.id, date_trunc('month', e.start_date) AS month, COALESCE(cd.district_id, \
        (SELECT CASE WHEN MIN(d.district_id) = MAX(d.district_id) THEN MIN(d.district_id) END \
         FROM event_areas ea JOIN district d ON d.area_id = ea.area_id WHERE ea.event_id = e.id)) AS district_id \
      FROM events e LEFT JOIN centres c ON c.id = e.centre_id LEFT JOIN district cd ON cd.area_id = c.area_id) \
    SELECT ed.district_id, ar.code, ar.name_en, to_char(ed.month, 'YYYY-MM'), SUM(pe.n)::bigint \
    FROM per_event pe JOIN event_district ed ON ed.id = pe.event_id LEFT JOIN areas ar ON ar.id = ed.district_id \
    GROUP BY ed.district_id, ar.code, ar.name_en, ed.month ORDER BY 1, 4";

async fn w3(State(db): State<Shared>) -> Answer {
    let rows = sqlx::query(DISTRICT_BY_MONTH_SQL)
        .fetch_all(&*db)
        .await
        .map_err(fail)?;
    let mut total = 0i64;
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            let n: i64 = r.get(4);
            total += n;
            json!({ "dimensions": [
                { "dimension": "DISTRICT", "code": r.get::<Option<String>, _>(1), "name": r.get::<Option<String>, _>(2) },
                { "dimension": "MONTH", "code": r.get::<Option<String>, _>(3), "name": r.get::<Option<String>, _>(3) }],
                "value": n, "suppressed": false })
        })
        .collect();
    Ok(Json(json!({ "data": { "participantStats": { "rows": rows,
        "totals": [{ "unit": "PERSONS", "value": total, "suppressed": false }] } } })))
}

async fn w4(State(db): State<Shared>, Json(body): Json<Value>) -> Answer {
    let v = &body["variables"];
    let input = &v["input"];
    let key = v["key"].as_str().unwrap_or_default();
    let project = raw_id(&input["projectId"]);
    let date = input["startDate"].as_str().unwrap_or("2021-01-01");
    let date = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(fail)?;
    let mut tx = db.begin().await.map_err(fail)?;
    let claimed = sqlx::query(
        "INSERT INTO idempotency_keys (actor, key, request_hash, created_at) VALUES ('raw', $1, 'h', now()) \
         ON CONFLICT DO NOTHING",
    )
    .bind(key)
    .execute(&mut *tx)
    .await
    .map_err(fail)?;
    if claimed.rows_affected() == 0 {
        return Ok(Json(
            json!({ "data": { "createEvent": { "replayed": true, "userErrors": [] } } }),
        ));
    }
    let id: i32 = sqlx::query_scalar(
        "INSERT INTO events (project_id, kind, title_az, title_en, start_date, end_date, capacity, status, search_key) \
         VALUES ($1, 'training', $2, $3, $4, $4, $5, 'held', $6) RETURNING id",
    )
    .bind(project)
    .bind(input["titleAz"].as_str().unwrap_or_default())
    .bind(input["titleEn"].as_str().unwrap_or_default())
    .bind(date)
    .bind(input["capacity"].as_i64().map(|c| c as i32))
    .bind(format!("|{}|", input["titleEn"].as_str().unwrap_or_default().to_lowercase()))
    .fetch_one(&mut *tx)
    .await
    .map_err(fail)?;
    let cells = input["attendance"].as_array().cloned().unwrap_or_default();
    let code = |c: &Value, k: &str| c[k].as_str().unwrap_or_default().to_ascii_lowercase();
    let age = |c: &Value| match c["ageBand"].as_str().unwrap_or_default() {
        "AGE_0_TO_17" => "0-17",
        "AGE_18_TO_24" => "18-24",
        "AGE_25_TO_59" => "25-59",
        "AGE_60_PLUS" => "60+",
        _ => "unknown",
    };
    let sexes: Vec<String> = cells.iter().map(|c| code(c, "sex")).collect();
    let ages: Vec<String> = cells.iter().map(|c| age(c).to_string()).collect();
    let disabilities: Vec<String> = cells.iter().map(|c| code(c, "disability")).collect();
    let categories: Vec<String> = cells.iter().map(|c| code(c, "category")).collect();
    let counts: Vec<i32> = cells
        .iter()
        .map(|c| c["count"].as_i64().unwrap_or(0) as i32)
        .collect();
    let total: i64 = counts.iter().map(|&c| i64::from(c)).sum();
    sqlx::query(
        "INSERT INTO attendance (event_id, sex, age_band, disability, category, count) \
         SELECT $1, * FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[], $6::int[])",
    )
    .bind(id)
    .bind(&sexes)
    .bind(&ages)
    .bind(&disabilities)
    .bind(&categories)
    .bind(&counts)
    .execute(&mut *tx)
    .await
    .map_err(fail)?;
    let outcome = json!({ "replayed": false, "event": { "id": id, "version": 1, "attendance": { "total": { "value": total } } }, "userErrors": [] });
    sqlx::query(
        "INSERT INTO audit_log (action, entity_type, entity_id, after, created_at) \
         VALUES ('create_event', 'event', $1, $2::json, now())",
    )
    .bind(id.to_string())
    .bind(input.to_string())
    .execute(&mut *tx)
    .await
    .map_err(fail)?;
    sqlx::query("UPDATE idempotency_keys SET response = $1::json, completed_at = now() WHERE actor = 'raw' AND key = $2")
        .bind(outcome.to_string())
        .bind(key)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
    tx.commit().await.map_err(fail)?;
    Ok(Json(json!({ "data": { "createEvent": outcome } })))
}

//! `POST /graphql` and `GET /graphql`: everything between the HTTP request
//! and the schema.
//!
//! In order, each step cheaper than the next: content type; the JSON body
//! (refused with its line and column, never a type name) and the batch size
//! ([`decode_body`]); credentials ([`super::caller`]); persisted queries
//! ([`super::persisted`]); the document limits and input hygiene
//! ([`crate::graphql::limits::check`], before async-graphql parses or
//! validates anything; a document registered by hash is stored only once it
//! has passed them); the cost budget of the caller ([`super::caller::charge`]:
//! per IP, API key with its `rate_tier`, or user; `429` with `Retry-After`);
//! then execution, on the connection the document's kind calls for (the
//! read replica unless it holds a mutation, as the limits' walk found). Every response carries
//! `extensions.cost` (the request's price and the budget left, as GitHub's
//! and Shopify's APIs do), at most `API_MAX_ERRORS` errors, and an
//! `extensions.code` on every error.
//!
//! `GET /graphql?query=…` or `?extensions={"persistedQuery":…}` runs
//! queries (never mutations). Anonymous reads over GET are public: they
//! answer with `Cache-Control: public`, an `ETag` built from the data version
//! and the request, and `304 Not Modified` to a matching `If-None-Match`, so
//! a CDN can serve them. Everything authenticated, and every POST, is
//! `Cache-Control: no-store`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::Variables;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::access::Viewer;
use crate::auth::ClientIp;
use crate::config::{Config, Limits, RateLimits};
use crate::graphql::cost::SchemaInfo;
use crate::graphql::limits::{self, Checked, Refusal};
use crate::ratelimit::Budgets;
use crate::shared_store::RedisHandle;

use super::AppState;
use super::caller::{Caller, budget_of, caller, charge, cost_json, http_error};
use super::metrics::Metrics;
use super::persisted::{Persisted, sha256_hex};

/// What the GraphQL handlers share besides the schema.
pub struct Guard {
    /// Document limits.
    pub limits: Limits,
    /// The schema's shape, for pricing.
    pub schema_info: SchemaInfo,
    /// Persisted documents.
    pub persisted: Persisted,
    /// New persisted queries one client may register an hour.
    pub apq_registrations_per_hour: u64,
    /// Cost budgets (and log-in counts).
    pub budgets: Arc<Budgets>,
    /// Budget sizes.
    pub rate: RateLimits,
    /// `max-age` of public GET reads.
    pub cache_max_age_secs: u64,
    /// Take the client's address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
    /// Hash of the schema and the settings that shape answers, part of every ETag.
    pub fingerprint: String,
}

impl Guard {
    /// The guard for a configuration and the schema's SDL; with `redis`,
    /// registered persisted queries are shared through it.
    pub fn new(
        config: &Config,
        sdl: &str,
        budgets: Arc<Budgets>,
        redis: Option<Arc<RedisHandle>>,
    ) -> anyhow::Result<Self> {
        let mut persisted = Persisted::load(
            config.persisted_queries,
            config.persisted_queries_file.as_deref(),
        )?;
        if let Some(handle) = redis {
            persisted = persisted.shared_through(handle, &config.redis_prefix, config.apq_ttl_secs);
        }
        let persisted = persisted.keeping(config.apq_memory_entries);
        Ok(Self {
            limits: config.limits.clone(),
            schema_info: SchemaInfo::from_sdl(sdl),
            persisted,
            apq_registrations_per_hour: config.apq_registrations_per_hour,
            budgets,
            rate: config.rate.clone(),
            cache_max_age_secs: config.cache_max_age_secs,
            trust_forwarded_for: config.trust_forwarded_for,
            fingerprint: sha256_hex(&format!(
                "{sdl}|{}|{}",
                config.thresholds.ordinary, config.thresholds.sensitive
            ))[..16]
                .to_string(),
        })
    }
}

/// One operation of a request, as sent.
struct Operation {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Map<String, Value>,
    hash: Option<String>,
}

fn parse_operation(value: Value) -> Result<Operation, String> {
    let Value::Object(mut obj) = value else {
        return Err("each GraphQL request must be a JSON object".into());
    };
    let text = |obj: &mut Map<String, Value>, key: &str| match obj.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{key}` must be a string")),
    };
    let query = text(&mut obj, "query")?;
    let operation_name = text(&mut obj, "operationName")?;
    let variables = match obj.remove("variables") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(_) => return Err("`variables` must be a JSON object".into()),
    };
    let hash = match obj.remove("extensions") {
        None | Some(Value::Null) => None,
        Some(Value::Object(ext)) => match ext.get("persistedQuery") {
            None | Some(Value::Null) => None,
            Some(pq) => match (pq.get("version"), pq.get("sha256Hash")) {
                (Some(v), Some(Value::String(h))) if v == 1 => Some(h.clone()),
                _ => {
                    return Err(
                        "`extensions.persistedQuery` must be { version: 1, sha256Hash: \"…\" }"
                            .into(),
                    );
                }
            },
        },
        Some(_) => return Err("`extensions` must be a JSON object".into()),
    };
    Ok(Operation {
        query,
        operation_name,
        variables,
        hash,
    })
}

fn json_error_message(e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Eof => "the body ends before its JSON does".to_string(),
        serde_json::error::Category::Io => "the body could not be read".to_string(),
        _ => format!(
            "the body is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ),
    }
}

/// An operation after the limits: ready to run, or refused.
enum Prepared {
    Ready {
        query: Arc<str>,
        checked: Box<Checked>,
        variables: Variables,
        operation_name: Option<String>,
    },
    Refused(Refusal),
}

async fn prepare(guard: &Guard, caller: &Caller, op: Operation) -> Prepared {
    let resolved = match guard
        .persisted
        .resolve(op.query.as_deref(), op.hash.as_deref())
        .await
    {
        Ok(r) => r,
        Err(r) => return Prepared::Refused(r),
    };
    let variables = Variables::from_json(Value::Object(op.variables));
    match limits::check(
        &resolved.query,
        &variables,
        &guard.limits,
        &guard.schema_info,
    ) {
        Ok(checked) => {
            // Only a document that passed every limit is kept for later requests.
            if let Some(hash) = &resolved.register {
                if let Err(r) = registration_allowed(guard, caller, hash).await {
                    return Prepared::Refused(r);
                }
                guard.persisted.register(hash, &resolved.query).await;
            }
            Prepared::Ready {
                query: resolved.query,
                checked: Box::new(checked),
                variables,
                operation_name: op.operation_name,
            }
        }
        Err(r) => Prepared::Refused(r),
    }
}

/// Spends one of the caller's persisted-query registrations (per address,
/// API key or user, an hour) unless `hash` is already held, so that one
/// client cannot flush the store.
async fn registration_allowed(guard: &Guard, caller: &Caller, hash: &str) -> Result<(), Refusal> {
    if guard.persisted.holds(hash) {
        return Ok(());
    }
    let key = budget_of(
        &guard.rate,
        &caller.viewer,
        caller.tier.as_deref(),
        &caller.ip,
    )
    .1;
    let s = guard
        .budgets
        .spend(
            &format!("apq:{key}"),
            1,
            guard.apq_registrations_per_hour,
            3600,
        )
        .await;
    if s.allowed {
        return Ok(());
    }
    Err(Refusal::new(
        "PERSISTED_QUERY_REGISTRATION_LIMITED",
        "persisted_query",
        format!(
            "this client may register {} new persisted queries an hour and has used them; retry in {} s, or send the document without its hash",
            s.limit, s.reset_secs
        ),
    ))
}

/// Error codes async-graphql leaves out, and the cap on errors.
fn finish_errors(limits: &Limits, metrics: &Metrics, resp: &mut async_graphql::Response) {
    let before_execution = matches!(resp.data, async_graphql::Value::Null);
    for e in &mut resp.errors {
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set(
                "code",
                if before_execution {
                    "GRAPHQL_VALIDATION_FAILED"
                } else {
                    "BAD_USER_INPUT"
                },
            );
        }
    }
    if resp.errors.len() > limits.max_errors {
        let left_out = resp.errors.len() - limits.max_errors;
        resp.errors.truncate(limits.max_errors);
        resp.errors.push(
            Refusal::new(
                "TOO_MANY_ERRORS",
                "errors",
                format!(
                    "{left_out} more errors were left out; at most {} are sent",
                    limits.max_errors
                ),
            )
            .to_server_error(),
        );
    }
    for e in &resp.errors {
        if let Some(async_graphql::Value::String(code)) =
            e.extensions.as_ref().and_then(|x| x.get("code"))
        {
            metrics.error(code);
        }
    }
}

fn refusal_response(metrics: &Metrics, r: &Refusal) -> Value {
    metrics.rejection(r.limit);
    metrics.error(r.code);
    let mut v = json!({ "data": null, "errors": [serde_json::to_value(r.to_server_error()).unwrap_or(Value::Null)] });
    if let Some(cost) = r.cost {
        v["extensions"] = json!({ "cost": { "requestedQueryCost": cost } });
    }
    v
}

/// The outcome of running a request's operations.
struct Ran {
    /// Each operation's answer, serialised straight from async-graphql's
    /// response with sorted keys ([`super::sorted`]).
    bodies: Vec<Vec<u8>>,
    /// Every operation ran without an error.
    clean: bool,
    /// An operation failed because the database cannot be reached: the
    /// answer is a 503 with `Retry-After` (load balancers and clients back
    /// off), its body still the GraphQL errors with `SERVICE_UNAVAILABLE`.
    unavailable: bool,
}

/// Seconds a client is told to wait (`Retry-After`) when the database is out.
pub(crate) const UNAVAILABLE_RETRY_AFTER: &str = "5";

/// Turns an answer into a 503 with `Retry-After` when the database was out.
fn mark_unavailable(resp: &mut Response, unavailable: bool) {
    if unavailable {
        *resp.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(UNAVAILABLE_RETRY_AFTER),
        );
    }
}

/// Prices, spends and runs the operations; `Err` is a whole-request answer (429).
async fn run(
    state: &AppState,
    caller: &Caller,
    ops: Vec<Operation>,
    over_get: bool,
) -> Result<Ran, Response> {
    let guard = &state.guard;
    let mut prepared: Vec<Prepared> = Vec::with_capacity(ops.len());
    for op in ops {
        prepared.push(prepare(guard, caller, op).await);
    }
    // A batch is one request: its logins and its price add up.
    let ready = |p: &Prepared| match p {
        Prepared::Ready { checked, .. } => Some((checked.analysis.logins, checked.analysis.cost)),
        Prepared::Refused(_) => None,
    };
    let (logins, total) = prepared
        .iter()
        .filter_map(ready)
        .fold((0u64, 0u64), |(l, c), (l2, c2)| {
            (l + l2, c.saturating_add(c2))
        });
    let batch_refusal = if logins > 1 {
        Some(Refusal::new(
            "LOGIN_LIMIT",
            "logins",
            format!("`login` may appear once per request, not {logins} times in this batch"),
        ))
    } else if total > guard.limits.max_cost {
        Some(Refusal {
            cost: Some(total),
            ..Refusal::new(
                "QUERY_TOO_COMPLEX",
                "cost",
                format!(
                    "the batch costs {total} points; at most {} are accepted per request",
                    guard.limits.max_cost
                ),
            )
        })
    } else {
        None
    };
    if let Some(r) = batch_refusal {
        for p in &mut prepared {
            if matches!(p, Prepared::Ready { .. }) {
                *p = Prepared::Refused(r.clone());
            }
        }
    }
    if over_get
        && prepared
            .iter()
            .any(|p| matches!(p, Prepared::Ready { checked, .. } if checked.analysis.mutation))
    {
        let mut resp = http_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations are sent with POST",
        );
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return Err(resp);
    }
    let cost: u64 = prepared
        .iter()
        .map(|p| match p {
            Prepared::Ready { checked, .. } => checked.analysis.cost,
            Prepared::Refused(_) => 0,
        })
        .sum();
    let names: Vec<&str> = prepared
        .iter()
        .filter_map(|p| match p {
            Prepared::Ready { checked, .. } => checked.analysis.operation_name.as_deref(),
            Prepared::Refused(_) => None,
        })
        .collect();
    let span = tracing::Span::current();
    let names = if names.is_empty() {
        "-".to_string()
    } else {
        names.join(",")
    };
    span.record("operation", names.as_str());
    span.record("cost", cost);

    let spend = charge(state, caller, cost).await?;
    if prepared.iter().any(|p| matches!(p, Prepared::Ready { .. })) {
        state.metrics.cost(cost);
    }

    let mut bodies = Vec::with_capacity(prepared.len());
    let mut clean = true;
    let mut unavailable = false;
    for p in prepared {
        match p {
            Prepared::Refused(r) => {
                clean = false;
                bodies.push(to_bytes(&refusal_response(&state.metrics, &r)));
            }
            Prepared::Ready {
                query,
                checked,
                variables,
                operation_name,
            } => {
                let op_cost = checked.analysis.cost;
                let writes = checked.analysis.mutation;
                let mut request =
                    async_graphql::Request::new(query.to_string()).variables(variables);
                if let Some(name) = operation_name {
                    request = request.operation_name(name);
                }
                request.set_parsed_query(checked.document);
                if !guard.limits.introspection {
                    request = request.disable_introspection();
                }
                // Reads may go to the replica (a writer's own reads stay on the primary).
                let conn = crate::graphql::connection_for(&state.db, writes, &caller.viewer);
                let request = crate::graphql::request_data(
                    request,
                    &conn,
                    caller.viewer.clone(),
                    caller.lang,
                    state.thresholds,
                    state.batch_delay,
                    caller.request_id.clone(),
                )
                .data(ClientIp(caller.ip.clone()));
                let mut resp = state.schema.execute(request).await;
                finish_errors(&guard.limits, &state.metrics, &mut resp);
                clean &= resp.errors.is_empty();
                unavailable |= resp.errors.iter().any(|e| {
                    matches!(
                        e.extensions.as_ref().and_then(|x| x.get("code")),
                        Some(async_graphql::Value::String(code)) if code == crate::error::UNAVAILABLE_CODE
                    )
                });
                let cost = cost_json(
                    op_cost,
                    guard.limits.max_cost,
                    spend.as_ref(),
                    guard.rate.window_secs,
                );
                resp.extensions.insert(
                    "cost".into(),
                    async_graphql::Value::from_json(cost).unwrap_or_default(),
                );
                bodies.push(to_bytes(&super::sorted::SortedResponse(&resp)));
            }
        }
    }
    Ok(Ran {
        bodies,
        clean,
        unavailable,
    })
}

fn to_bytes(body: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_else(|_| b"null".to_vec())
}

/// A JSON answer from serialised bodies: one, or a batch as an array.
fn json_response(bodies: Vec<Vec<u8>>, batch: bool) -> Response {
    let body = if batch {
        let mut out = Vec::with_capacity(bodies.iter().map(|b| b.len() + 1).sum::<usize>() + 2);
        out.push(b'[');
        for (i, b) in bodies.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b);
        }
        out.push(b']');
        out
    } else {
        bodies
            .into_iter()
            .next()
            .unwrap_or_else(|| b"null".to_vec())
    };
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// True when a body error is the body limit's, at any depth of its source
/// chain: a chunked body (no `Content-Length`) passes the limit layer and
/// fails only while read, wrapped by axum and hyper.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

async fn read_body(body: axum::body::Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, usize::MAX).await.map_err(|e| {
        if is_length_limit(&e) {
            http_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "the request body is larger than this server accepts (API_MAX_BODY_BYTES)",
            )
        } else {
            http_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "the body could not be read",
            )
        }
    })
}

/// A request body read as GraphQL operations: one, or a batch.
pub struct Body {
    ops: Vec<Operation>,
    batch: bool,
}

impl Body {
    /// How many operations the body holds.
    pub fn operations(&self) -> usize {
        self.ops.len()
    }

    /// The document text of each operation (none for a hash alone).
    pub fn queries(&self) -> impl Iterator<Item = Option<&str>> {
        self.ops.iter().map(|op| op.query.as_deref())
    }
}

/// Why a body is not GraphQL operations (answered `400` with this code).
#[derive(Debug)]
pub struct BodyRefusal {
    /// `BAD_REQUEST` or `BATCH_TOO_LARGE`.
    pub code: &'static str,
    /// What is wrong, with the line and column or the limit; never a type name.
    pub message: String,
}

/// Reads a POST body as one operation or a batch of at most `max_batch`,
/// before anything else looks at it (public for the refusal benchmark).
pub fn decode_body(body: &[u8], max_batch: usize) -> Result<Body, BodyRefusal> {
    let bad = |message: String| BodyRefusal {
        code: "BAD_REQUEST",
        message,
    };
    let json: Value = serde_json::from_slice(body).map_err(|e| bad(json_error_message(&e)))?;
    let (ops, batch) = match json {
        Value::Array(items) => {
            if items.len() > max_batch {
                return Err(BodyRefusal {
                    code: "BATCH_TOO_LARGE",
                    message: format!(
                        "a batch of {} operations; at most {max_batch} are accepted",
                        items.len()
                    ),
                });
            }
            if items.is_empty() {
                return Err(bad("the batch is empty".into()));
            }
            let ops: Result<Vec<_>, _> = items.into_iter().map(parse_operation).collect();
            (ops.map_err(bad)?, true)
        }
        other => (vec![parse_operation(other).map_err(bad)?], false),
    };
    Ok(Body { ops, batch })
}

/// `POST /graphql`: one operation or a batch, as `application/json` only
/// (so a form post from another site cannot run anything).
pub async fn post(state: AppState, req: axum::extract::Request) -> Response {
    let (parts, body) = req.into_parts();
    if !is_json(&parts.headers) {
        state.metrics.error("UNSUPPORTED_MEDIA_TYPE");
        return http_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send GraphQL requests as POST with content-type: application/json",
        );
    }
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let Body { ops, batch } = match decode_body(&body, state.guard.limits.max_batch) {
        Ok(decoded) => decoded,
        Err(refusal) => {
            if refusal.code == "BATCH_TOO_LARGE" {
                state.metrics.rejection("batch");
            }
            state.metrics.error(refusal.code);
            return http_error(StatusCode::BAD_REQUEST, refusal.code, &refusal.message);
        }
    };
    let caller = match caller(&state, &parts).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let ran = match run(&state, &caller, ops, false).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let mut resp = json_response(ran.bodies, batch);
    mark_unavailable(&mut resp, ran.unavailable);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// `GET /graphql` with `query` or `extensions` parameters: one query (never
/// a mutation). `None` when the request has neither (the help page answers).
pub async fn get(state: AppState, req: axum::extract::Request) -> Option<Response> {
    let (parts, _) = req.into_parts();
    let params: HashMap<String, String> = parts.uri.query().map(url_pairs).unwrap_or_default();
    if !params.contains_key("query") && !params.contains_key("extensions") {
        return None;
    }
    let mut obj = Map::new();
    for key in ["query", "operationName"] {
        if let Some(v) = params.get(key) {
            obj.insert(key.into(), Value::String(v.clone()));
        }
    }
    for key in ["variables", "extensions"] {
        if let Some(v) = params.get(key).filter(|v| !v.is_empty()) {
            match serde_json::from_str::<Value>(v) {
                Ok(json) => {
                    obj.insert(key.into(), json);
                }
                Err(e) => {
                    return Some(http_error(
                        StatusCode::BAD_REQUEST,
                        "BAD_REQUEST",
                        &format!("`{key}` is not valid JSON (column {})", e.column()),
                    ));
                }
            }
        }
    }
    let op = match parse_operation(Value::Object(obj)) {
        Ok(op) => op,
        Err(message) => {
            return Some(http_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message));
        }
    };
    let caller = match caller(&state, &parts).await {
        Ok(c) => c,
        Err(resp) => return Some(resp),
    };
    let public = matches!(caller.viewer, Viewer::Anonymous);
    // The ETag is known before anything runs: the data version, the
    // schema and settings, and everything in the request that shapes the answer.
    let etag = if public {
        match crate::data_version::current(&state.db.conn).await {
            Ok(version) => Some(format!(
                "W/\"{}\"",
                &sha256_hex(&format!(
                    "{version}|{}|{}|{}|{}|{}|{}",
                    state.guard.fingerprint,
                    op.query.as_deref().map(sha256_hex).unwrap_or_default(),
                    op.hash.as_deref().unwrap_or_default().to_ascii_lowercase(),
                    serde_json::to_string(&op.variables).unwrap_or_default(),
                    op.operation_name.as_deref().unwrap_or_default(),
                    caller.lang.pick("az", "en"),
                ))[..32]
            )),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the data version: no ETag");
                None
            }
        }
    } else {
        None
    };
    let cache_control = HeaderValue::from_str(&format!(
        "public, max-age={0}, s-maxage={0}, stale-while-revalidate={1}",
        state.guard.cache_max_age_secs,
        state.guard.cache_max_age_secs * 2
    ))
    .unwrap_or(HeaderValue::from_static("no-cache"));
    let vary = HeaderValue::from_static("Accept-Language, Authorization");
    if let Some(tag) = &etag
        && parts
            .headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"))
    {
        // Revalidation is cheap but not free: one point from the budget.
        if let Err(resp) = charge(&state, &caller, 1).await {
            return Some(resp);
        }
        let mut resp = StatusCode::NOT_MODIFIED.into_response();
        let h = resp.headers_mut();
        h.insert(header::ETAG, HeaderValue::from_str(tag).ok()?);
        h.insert(header::CACHE_CONTROL, cache_control);
        h.insert(header::VARY, vary);
        return Some(resp);
    }
    let ran = match run(&state, &caller, vec![op], true).await {
        Ok(r) => r,
        Err(resp) => return Some(resp),
    };
    let mut resp = json_response(ran.bodies, false);
    mark_unavailable(&mut resp, ran.unavailable);
    let h = resp.headers_mut();
    h.insert(header::VARY, vary);
    match etag {
        Some(tag) if ran.clean => {
            h.insert(header::ETAG, HeaderValue::from_str(&tag).ok()?);
            h.insert(header::CACHE_CONTROL, cache_control);
        }
        _ => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
    }
    Some(resp)
}

/// Decodes `a=1&b=x%20y` (with `+` for space) into a map; later keys win.
fn url_pairs(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

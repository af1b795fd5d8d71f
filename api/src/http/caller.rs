//! Who sends a request and the budget of cost points it spends from, shared
//! by `/graphql` ([`super::graphql`]) and the downloads ([`super::export`]),
//! so that a CSV or IATI file is paid for from the same per-IP, per-key
//! (by its `rate_tier`) or per-user budget as a GraphQL query, and refused
//! the same way: `429 Too Many Requests` with `Retry-After` and the budget
//! in the body (`RATE_LIMITED`, `extensions.cost.budget`).

use std::net::SocketAddr;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::access::Viewer;
use crate::auth;
use crate::config::RateLimits;
use crate::graphql::lang::Lang;
use crate::ratelimit::Spend;

use super::{AppState, REQUEST_ID};

/// A refusal of the whole HTTP request, as a GraphQL error body with
/// `extensions.code`; never cached.
pub(crate) fn http_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    let mut resp = (status, axum::Json(body)).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Where a request came from and who sent it.
pub(crate) struct Caller {
    pub viewer: Viewer,
    /// The `rate_tier` of an API key.
    pub tier: Option<String>,
    pub ip: String,
    pub lang: Lang,
    pub request_id: Option<String>,
}

/// The client's address: the socket's, or the last `X-Forwarded-For` entry
/// when a trusted proxy sets it.
fn client_ip(
    trust_forwarded_for: bool,
    headers: &HeaderMap,
    connect: Option<SocketAddr>,
) -> String {
    if trust_forwarded_for
        && let Some(last) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
    {
        return last.to_string();
    }
    connect.map_or_else(|| "unknown".to_string(), |a| a.ip().to_string())
}

/// Authenticates the request (a bad token or key is answered `401`, a
/// database that cannot check it `503`) and reads its address (the peer of
/// `ConnectInfo`, or a trusted forwarded one) and language.
pub(crate) async fn caller(
    state: &AppState,
    parts: &axum::http::request::Parts,
) -> Result<Caller, Response> {
    let headers = &parts.headers;
    let connect = parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default();
    let (viewer, tier) = match auth::authenticate_caller(headers, &state.db.conn, &state.keys).await
    {
        Ok(found) => found,
        Err(failure) => {
            state.metrics.error(failure.code());
            let mut resp = http_error(failure.status(), failure.code(), failure.message());
            if failure.status() == StatusCode::UNAUTHORIZED {
                resp.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            } else {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            return Err(resp);
        }
    };
    Ok(Caller {
        viewer,
        tier,
        ip: client_ip(state.guard.trust_forwarded_for, headers, connect),
        lang,
        request_id: headers
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(String::from),
    })
}

/// The budget a caller spends from: its kind (a metrics label), key and size.
pub(crate) fn budget_of(
    rate: &RateLimits,
    viewer: &Viewer,
    tier: Option<&str>,
    ip: &str,
) -> (&'static str, String, u64) {
    match viewer {
        Viewer::User(u) => ("user", format!("rl:user:{}", u.id), rate.user),
        Viewer::ApiKey { id, .. } => (
            "api_key",
            format!("rl:key:{id}"),
            if tier == Some("high") {
                rate.api_key_high
            } else {
                rate.api_key_standard
            },
        ),
        _ => ("anonymous", format!("rl:ip:{ip}"), rate.anonymous),
    }
}

/// `extensions.cost`: the price, the largest accepted, and the budget left.
pub(crate) fn cost_json(
    requested: u64,
    max: u64,
    spend: Option<&Spend>,
    window_secs: u64,
) -> Value {
    let mut cost = json!({ "requestedQueryCost": requested, "maximumQueryCost": max });
    if let Some(s) = spend {
        cost["budget"] = json!({
            "limit": s.limit,
            "remaining": s.remaining,
            "resetSeconds": s.reset_secs,
            "windowSeconds": window_secs,
        });
    }
    cost
}

/// Spends `cost` points from the caller's budget. `Ok(None)` when budgets
/// are switched off; `Err` is the `429` to send (nothing was spent then).
pub(crate) async fn charge(
    state: &AppState,
    caller: &Caller,
    cost: u64,
) -> Result<Option<Spend>, Response> {
    let guard = &state.guard;
    if !guard.rate.enabled {
        return Ok(None);
    }
    let (kind, key, limit) = budget_of(
        &guard.rate,
        &caller.viewer,
        caller.tier.as_deref(),
        &caller.ip,
    );
    let s = guard
        .budgets
        .spend(&key, cost, limit, guard.rate.window_secs)
        .await;
    if s.allowed {
        return Ok(Some(s));
    }
    state.metrics.denial(kind);
    state.metrics.error("RATE_LIMITED");
    let window = guard.rate.window_secs;
    let cost_value = cost_json(cost, guard.limits.max_cost, Some(&s), window);
    let body = json!({
        "errors": [{
            "message": format!(
                "rate limit: this request costs {cost} points and {} of {} remain in this {window} s window; retry in {} s",
                s.remaining, s.limit, s.reset_secs
            ),
            "extensions": { "code": "RATE_LIMITED", "cost": cost_value.clone() },
        }],
        "extensions": { "cost": cost_value },
    });
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::RETRY_AFTER, HeaderValue::from(s.reset_secs.max(1)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Err(resp)
}

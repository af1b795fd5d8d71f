//! Rate limits: a budget of cost points per window per IP, API key (by its
//! `rate_tier`) and user; `429` with `Retry-After` and the budget in the
//! body; budgets shared by two replicas through Redis; log-in throttling per
//! address and account that cannot lock a real user out; budgets that refill
//! continuously, so a window boundary never lets twice the limit through.

use std::net::{IpAddr, Ipv4Addr};

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tests::accounts::{PASSWORD, create_user};

use api::ratelimit::Budgets;
use tests::{
    Engine, TEST_REDIS_URL, TestApp, engine_tests, first_error_code, redis_or_skip,
    spawn_replicas_sharing_redis, unique_redis_prefix,
};

/// `{ projects(first: 2) … }` costs 1 + 1 + 2 × (node 1 + slug 0) = 4 points.
const FOUR_POINTS: &str = "{ projects(first: 2) { edges { node { slug } } } }";

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    query: &str,
    variables: Value,
    auth: Option<&str>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.expect("request reaches the server");
    let status = resp.status();
    let headers = resp.headers().clone();
    (status, headers, resp.json().await.expect("JSON"))
}

fn client_from(last_octet: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet)))
        .build()
        .expect("client")
}

async fn an_anonymous_budget_runs_out_with_429_retry_after_and_the_budget(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| {
        c.limits.max_cost = 10;
        c.rate.anonymous = 10;
    })
    .await
    else {
        return;
    };
    let client = client_from(1);
    let mut remaining = Vec::new();
    for _ in 0..2 {
        let (status, headers, body) = post(&app, &client, FOUR_POINTS, json!({}), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 4);
        remaining.push(
            body["extensions"]["cost"]["budget"]["remaining"]
                .as_u64()
                .unwrap(),
        );
    }
    assert_eq!(remaining, [6, 2]);
    let (status, headers, body) = post(&app, &client, FOUR_POINTS, json!({}), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(first_error_code(&body).as_deref(), Some("RATE_LIMITED"));
    assert_eq!(body["extensions"]["cost"]["budget"]["remaining"], 2);
    assert_eq!(body["extensions"]["cost"]["budget"]["limit"], 10);
    // A cheaper request still fits what is left; another address has its own budget.
    let (status, _, _) = post(&app, &client, "{ __typename }", json!({}), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = post(&app, &client_from(2), FOUR_POINTS, json!({}), None).await;
    assert_eq!(status, StatusCode::OK);
}

async fn api_keys_spend_the_budget_of_their_rate_tier_and_users_their_own(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| {
        c.jwt_secret = tests::accounts::TEST_JWT_SECRET.into();
        // Room for the log-in (argon2 costs 100 points) as anonymous.
        c.limits.max_cost = 200;
        c.rate.anonymous = 200;
        c.rate.api_key_standard = 20;
        c.rate.api_key_high = 60;
        c.rate.user = 40;
    })
    .await
    else {
        return;
    };
    let db = &app.db.conn;
    let standard = api::cli::create_api_key(db, "std".into(), None, "standard".into())
        .await
        .unwrap();
    let high = api::cli::create_api_key(db, "high".into(), None, "high".into())
        .await
        .unwrap();
    let client = client_from(1);
    let limit_of = |body: &Value| body["extensions"]["cost"]["budget"]["limit"].as_u64();
    let (_, _, body) = post(
        &app,
        &client,
        FOUR_POINTS,
        json!({}),
        Some(&format!("ApiKey {standard}")),
    )
    .await;
    assert_eq!(limit_of(&body), Some(20), "{body}");
    let (_, _, body) = post(
        &app,
        &client,
        FOUR_POINTS,
        json!({}),
        Some(&format!("ApiKey {high}")),
    )
    .await;
    assert_eq!(limit_of(&body), Some(60), "{body}");
    assert_eq!(body["extensions"]["cost"]["budget"]["remaining"], 56);
    create_user(&app, "viewer@hub.example", "viewer", None, &[]).await;
    let token = tests::accounts::login(&app, "viewer@hub.example").await;
    let (status, headers, body) = post(
        &app,
        &client,
        FOUR_POINTS,
        json!({}),
        Some(&format!("Bearer {token}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(limit_of(&body), Some(40), "{body}");
    assert_eq!(
        headers["cache-control"], "no-store",
        "authenticated answers are never stored"
    );
}

async fn failed_logins_from_one_address_do_not_lock_the_user_out_elsewhere(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| {
        c.jwt_secret = tests::accounts::TEST_JWT_SECRET.into();
        c.login_attempts_per_minute = 3;
        c.login_attempts_per_ip_per_minute = 4;
    })
    .await
    else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[]).await;
    let q = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token userErrors { code } } }";
    let code = |body: &Value| {
        body["data"]["login"]["userErrors"][0]["code"]
            .as_str()
            .map(String::from)
    };
    let attacker = client_from(66);
    let mut codes = Vec::new();
    for _ in 0..5 {
        let (_, _, body) = post(
            &app,
            &attacker,
            q,
            json!({ "e": "m@undp.example", "p": "guess" }),
            None,
        )
        .await;
        codes.push(code(&body).unwrap_or_default());
    }
    assert_eq!(
        codes,
        [
            "INVALID_CREDENTIALS",
            "INVALID_CREDENTIALS",
            "INVALID_CREDENTIALS",
            "TOO_MANY_ATTEMPTS",
            "TOO_MANY_ATTEMPTS"
        ]
    );
    // The real user, from their own address, logs in.
    let (_, _, body) = post(
        &app,
        &client_from(77),
        q,
        json!({ "e": "m@undp.example", "p": PASSWORD }),
        None,
    )
    .await;
    assert!(body["data"]["login"]["token"].is_string(), "{body}");
    // The attacker's address hits its own ceiling whatever the account.
    let (_, _, body) = post(
        &app,
        &attacker,
        q,
        json!({ "e": "other@undp.example", "p": "guess" }),
        None,
    )
    .await;
    assert_eq!(code(&body).as_deref(), Some("INVALID_CREDENTIALS"));
    let (_, _, body) = post(
        &app,
        &attacker,
        q,
        json!({ "e": "third@undp.example", "p": "guess" }),
        None,
    )
    .await;
    assert_eq!(code(&body).as_deref(), Some("TOO_MANY_ATTEMPTS"), "{body}");
}

async fn two_replicas_spend_one_budget_through_redis(engine: Engine) {
    let Some((a, b, _)) = spawn_replicas_sharing_redis(engine, |c| {
        c.limits.max_cost = 20;
        c.rate.anonymous = 20;
        // A long window, so the test never straddles a reset.
        c.rate.window_secs = 3600;
    })
    .await
    else {
        return;
    };
    let client = client_from(1);
    let mut seen = Vec::new();
    for app in [&a, &a, &b, &b, &a] {
        let (status, _, body) = post(app, &client, FOUR_POINTS, json!({}), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        seen.push(
            body["extensions"]["cost"]["budget"]["remaining"]
                .as_u64()
                .unwrap(),
        );
    }
    assert_eq!(
        seen,
        [16, 12, 8, 4, 0],
        "each replica spends from the same budget"
    );
    let (status, headers, body) = post(&b, &client, FOUR_POINTS, json!({}), None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(headers.contains_key("retry-after"));
}

async fn downloads_spend_the_same_budget_and_are_refused_with_429_when_it_is_spent(engine: Engine) {
    let iati = api::http::export::IATI_ALL_PRICE;
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| {
        c.jwt_secret = tests::accounts::TEST_JWT_SECRET.into();
        c.limits.max_cost = 10;
        c.rate.anonymous = iati + 10;
        c.rate.api_key_standard = iati;
        c.iati.prefix = Some(crate::export_iati::TEST_PUBLISHER.into());
        // A long window, so the test never straddles a reset.
        c.rate.window_secs = 3600;
    })
    .await
    else {
        return;
    };
    let client = client_from(1);
    let download = |path: &str, auth: Option<String>| {
        let mut req = client.get(format!("{}{path}", app.base));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    // An IATI file costs its fixed price; the answer says so and what is left.
    let resp = download("/export/iati.xml", None).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["x-cost"], iati.to_string().as_str());
    assert_eq!(
        resp.headers()["x-ratelimit-limit"],
        (iati + 10).to_string().as_str()
    );
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "10");
    // GraphQL spends from the same budget …
    let (status, _, body) = post(&app, &client, FOUR_POINTS, json!({}), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["extensions"]["cost"]["budget"]["remaining"], 6);
    // … and a CSV page (100 rows priced as the GraphQL query that reads them)
    // no longer fits: 429 with Retry-After and the budget, nothing spent.
    for path in [
        "/export/projects.csv",
        "/export/iati.xml",
        "/export/iati/no-such.xml",
    ] {
        let resp = download(path, None).await.unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        let retry: u64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=3600).contains(&retry), "{retry}");
        assert_eq!(resp.headers()["cache-control"], "no-store");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            first_error_code(&body).as_deref(),
            Some("RATE_LIMITED"),
            "{body}"
        );
        assert_eq!(body["extensions"]["cost"]["budget"]["remaining"], 6);
        assert_eq!(body["extensions"]["cost"]["budget"]["limit"], iati + 10);
        assert!(
            body["extensions"]["cost"]["requestedQueryCost"]
                .as_u64()
                .unwrap()
                > 6
        );
    }
    // What a CSV costs is its pages' GraphQL price: a small statistics CSV
    // (one query, 1 + 100 × 2 with one grouping) from another address.
    let resp = client_from(2)
        .get(format!(
            "{}/export/participant-stats.csv?groupBy=SEX",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cost: u64 = resp.headers()["x-cost"].to_str().unwrap().parse().unwrap();
    assert!(cost > api::graphql::cost::STATS_BASE, "{cost}");
    assert_eq!(
        resp.headers()["x-ratelimit-remaining"],
        (iati + 10 - cost).to_string().as_str()
    );
    // An API key pays from its own budget, not from its address's.
    let key = api::cli::create_api_key(&app.db.conn, "dash".into(), None, "standard".into())
        .await
        .unwrap();
    let resp = download("/export/iati.xml", Some(format!("ApiKey {key}")))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["x-ratelimit-limit"],
        iati.to_string().as_str()
    );
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    let resp = download("/export/iati/no-such.xml", Some(format!("ApiKey {key}")))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    // A bad credential is refused before anything is spent or run.
    let resp = download("/export/projects.csv", Some("ApiKey nope".into()))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

engine_tests!(
    an_anonymous_budget_runs_out_with_429_retry_after_and_the_budget,
    api_keys_spend_the_budget_of_their_rate_tier_and_users_their_own,
    failed_logins_from_one_address_do_not_lock_the_user_out_elsewhere,
    two_replicas_spend_one_budget_through_redis,
    downloads_spend_the_same_budget_and_are_refused_with_429_when_it_is_spent
);

/// Spends one point of 10 per 2 s as fast as it can from 0.3 s before a
/// clock-aligned 2 s boundary (where fixed windows reset) to 0.9 s after it,
/// and checks every stretch of the admissions: none of a quarter window holds
/// more than the burst (the limit) plus what refills in it, none of a window
/// more than twice the limit. Fixed windows admitted 10 + 10 within 0.3 s.
async fn a_boundary_never_lets_twice_the_limit_through(budgets: Budgets) {
    const LIMIT: u64 = 10;
    const WINDOW: Duration = Duration::from_secs(2);
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let to_boundary = WINDOW.as_millis() - since_epoch.as_millis() % WINDOW.as_millis();
    let wait = (to_boundary as u64 + 2_000 - 300) % 2_000;
    tokio::time::sleep(Duration::from_millis(wait)).await;
    let start = Instant::now();
    let mut admitted = Vec::new();
    while start.elapsed() < Duration::from_millis(1_200) {
        if budgets.spend("boundary", 1, LIMIT, 2).await.allowed {
            admitted.push(Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let most_within = |span: Duration| {
        (0..admitted.len())
            .map(|i| {
                admitted[i..]
                    .iter()
                    .take_while(|t| **t - admitted[i] < span)
                    .count()
            })
            .max()
            .unwrap_or(0) as u64
    };
    // A quarter window refills 2.5 points; one more for timing slack.
    let quarter = most_within(WINDOW / 4);
    assert!(
        quarter <= LIMIT + 4,
        "{quarter} admitted within 0.5 s: {admitted:?}"
    );
    let window = most_within(WINDOW);
    assert!(window <= 2 * LIMIT, "{window} admitted within 2 s");
    // And the budget does refill: more than the burst over 1.2 s.
    assert!(admitted.len() as u64 > LIMIT + 2, "{}", admitted.len());
    // A drained budget's Retry-After is when the next point is back (0.2 s).
    assert!(budgets.spend("drained", LIMIT, LIMIT, 2).await.allowed);
    let refused = budgets.spend("drained", 1, LIMIT, 2).await;
    assert_eq!((refused.allowed, refused.reset_secs), (false, 1));
}

#[tokio::test]
async fn a_window_boundary_never_lets_twice_the_limit_through_in_memory() {
    a_boundary_never_lets_twice_the_limit_through(Budgets::in_memory()).await;
}

#[tokio::test]
async fn a_window_boundary_never_lets_twice_the_limit_through_in_redis() {
    if !redis_or_skip() {
        return;
    }
    let budgets = Budgets::redis(TEST_REDIS_URL, &unique_redis_prefix()).unwrap();
    a_boundary_never_lets_twice_the_limit_through(budgets).await;
}

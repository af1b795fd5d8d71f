//! Helpers for tests that log in and write: users made through the same
//! code path as `api user create`, tokens from the real `login` mutation.

use serde_json::{Value, json};

use crate::{Engine, TestApp};

/// Secret the test servers sign tokens with (so tests can forge bad ones).
pub const TEST_JWT_SECRET: &str = "q8V2m!xP4rT9wZ1kL6nB3cF7hJ0dS5gY-test-only";
/// Password of every test user.
pub const PASSWORD: &str = "correct horse battery staple";

/// Starts a seeded server whose tokens are signed with [`TEST_JWT_SECRET`].
pub async fn spawn(engine: Engine) -> Option<TestApp> {
    TestApp::spawn_seeded_with(engine, |c| c.jwt_secret = TEST_JWT_SECRET.into()).await
}

/// Creates a user as the CLI does; organisation by acronym or name, projects by slug.
pub async fn create_user(
    app: &TestApp,
    email: &str,
    role: &str,
    organisation: Option<&str>,
    projects: &[&str],
) -> i32 {
    let db = &app.db.conn;
    let org = match organisation {
        Some(o) => Some(
            api::cli::organisation_id(db, o)
                .await
                .expect("organisation"),
        ),
        None => None,
    };
    let mut ids = Vec::new();
    for slug in projects {
        ids.push(api::cli::project_id(db, slug).await.expect("project"));
    }
    let role = entities::codes::UserRole::from_code(role).expect("role");
    api::cli::create_user(
        db,
        email.into(),
        format!("Test {email}"),
        PASSWORD.into(),
        role,
        org,
        ids,
    )
    .await
    .expect("create user")
}

/// Logs in through GraphQL and returns the access token.
pub async fn login(app: &TestApp, email: &str) -> String {
    let data = app
        .data(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token userErrors { code } } }",
            json!({ "e": email, "p": PASSWORD }),
        )
        .await;
    data["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login failed: {data}"))
        .to_string()
}

/// Sends a query with a bearer token; returns the whole response.
pub async fn as_user(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let auth = format!("Bearer {token}");
    app.graphql_with(query, variables, &[("authorization", auth.as_str())])
        .await
}

/// Global ID of a project by slug (as an anonymous reader sees it, or through a token).
pub async fn project_id(app: &TestApp, token: Option<&str>, slug: &str) -> String {
    let q = "query($s: String!) { project(slug: $s) { id } }";
    let resp = match token {
        Some(t) => as_user(app, t, q, json!({ "s": slug })).await,
        None => app.graphql(q, json!({ "s": slug })).await,
    };
    resp["data"]["project"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no project {slug}: {resp}"))
        .to_string()
}

/// The UNDP project's slug (the demo dataset's anchor).
pub const UNDP: &str = "undp-early-recovery-fuzuli-agjabadi-tartar";

/// A cell input for attendance mutations.
pub fn cell(sex: &str, count: i64) -> Value {
    json!({ "sex": sex, "ageBand": "AGE_25_TO_59", "disability": "WITHOUT_DISABILITY", "category": "WAR_AFFECTED", "count": count })
}

//! Access tokens: only HS256 tokens from this server, unexpired, already
//! valid, for this audience and issuer, of an active user, are accepted.
//! Donors read the projects they fund, with figures still suppressed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use tests::accounts::{TEST_JWT_SECRET, as_user, create_user, login, spawn};
use tests::{Engine, TestApp, engine_tests};

fn claims(sub: i32, iss: &str, aud: &str, nbf_offset: i64, exp_offset: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": sub.to_string(), "role": "admin", "ver": 0, "iss": iss, "aud": aud, "iat": now, "nbf": now + nbf_offset, "exp": now + exp_offset })
}

fn sign(alg: Algorithm, secret: &str, claims: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn status_and_code(app: &TestApp, token: &str) -> (u16, Value) {
    let resp = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("authorization", format!("Bearer {token}"))
        .json(&json!({ "query": "{ me { email } }" }))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

async fn tampered_expired_or_misdirected_tokens_are_refused(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    let id = create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let good = claims(id, "progress-hub", "progress-hub-api", 0, 600);

    // The server's own token and a well-formed forged one with the right secret work.
    let issued = login(&app, "admin@hub.example").await;
    assert_eq!(
        status_and_code(&app, &issued).await.1["data"]["me"]["email"],
        "admin@hub.example"
    );
    assert_eq!(
        status_and_code(&app, &sign(Algorithm::HS256, TEST_JWT_SECRET, &good))
            .await
            .0,
        200
    );

    let payload = URL_SAFE_NO_PAD.encode(good.to_string());
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let mut missing_exp = good.clone();
    missing_exp.as_object_mut().unwrap().remove("exp");
    let cases = [
        (
            "wrong algorithm (HS512)",
            sign(Algorithm::HS512, TEST_JWT_SECRET, &good),
        ),
        ("alg none", format!("{none_header}.{payload}.")),
        (
            "expired",
            sign(
                Algorithm::HS256,
                TEST_JWT_SECRET,
                &claims(id, "progress-hub", "progress-hub-api", -7200, -3600),
            ),
        ),
        (
            "not yet valid",
            sign(
                Algorithm::HS256,
                TEST_JWT_SECRET,
                &claims(id, "progress-hub", "progress-hub-api", 3600, 7200),
            ),
        ),
        (
            "wrong audience",
            sign(
                Algorithm::HS256,
                TEST_JWT_SECRET,
                &claims(id, "progress-hub", "someone-else", 0, 600),
            ),
        ),
        (
            "wrong issuer",
            sign(
                Algorithm::HS256,
                TEST_JWT_SECRET,
                &claims(id, "evil", "progress-hub-api", 0, 600),
            ),
        ),
        (
            "wrong signature",
            sign(
                Algorithm::HS256,
                "another-secret-of-the-same-length-xyz",
                &good,
            ),
        ),
        (
            "no expiry",
            sign(Algorithm::HS256, TEST_JWT_SECRET, &missing_exp),
        ),
        (
            "unknown user",
            sign(
                Algorithm::HS256,
                TEST_JWT_SECRET,
                &claims(9999, "progress-hub", "progress-hub-api", 0, 600),
            ),
        ),
        ("garbage", "not.a.token".to_string()),
    ];
    for (name, token) in cases {
        let (status, body) = status_and_code(&app, &token).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "INVALID_TOKEN",
            "{name}: {body}"
        );
        assert!(
            body.get("data").is_none(),
            "{name}: no data with a bad token"
        );
    }

    // Deactivating a user ends their tokens at once.
    let me = as_user(&app, &issued, "{ me { id version } }", json!({})).await;
    create_user(&app, "other-admin@hub.example", "admin", None, &[]).await;
    let other = login(&app, "other-admin@hub.example").await;
    let q = "mutation($i: UpdateUserInput!) { updateUser(idempotencyKey: \"off\", input: $i) { userErrors { code } user { active } } }";
    let off = as_user(&app, &other, q, json!({ "i": { "id": me["data"]["me"]["id"], "version": me["data"]["me"]["version"], "active": false } })).await;
    assert_eq!(off["data"]["updateUser"]["user"]["active"], false, "{off}");
    assert_eq!(status_and_code(&app, &issued).await.0, 401);
}

async fn donors_read_the_projects_they_fund_with_figures_still_suppressed(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    // Make the trafficking project private and funded by the OSCE.
    let project = entities::project::Entity::find()
        .filter(entities::project::Column::Slug.eq("mlsp-trafficking-victim-assistance"))
        .one(&app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut private: entities::project::ActiveModel = project.clone().into();
    private.is_public = Set(false);
    private.update(&app.db.conn).await.unwrap();
    let osce = api::cli::organisation_id(&app.db.conn, "OSCE")
        .await
        .unwrap();
    entities::project_participant::ActiveModel {
        project_id: Set(project.id),
        organisation_id: Set(osce),
        role: Set(entities::codes::ParticipantRole::Funding),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .unwrap();
    // A small count that must stay suppressed even for the funder: its key
    // (a draw near 1) rounds the 4 down to 0, so it is withheld.
    entities::service_count::ActiveModel {
        project_id: Set(project.id),
        stage: Set(entities::codes::ServiceStage::Served),
        unit: Set(entities::codes::CountUnit::Persons),
        support_type: Set(Some(entities::codes::SupportType::Shelter)),
        value: Set(4),
        sensitivity: Set(entities::codes::Sensitivity::Sensitive),
        version: Set(1),
        cell_key: Set(api::disclosure::KEY_MODULUS - 1),
        ..Default::default()
    }
    .insert(&app.db.conn)
    .await
    .unwrap();
    // Written by SQL: its protection inputs are decided as at a start.
    api::stats::summary::sync(&app.db.conn, &api::disclosure::Thresholds::default())
        .await
        .unwrap();

    create_user(&app, "donor@osce.example", "donor", Some("OSCE"), &[]).await;
    create_user(&app, "donor@unicef.example", "donor", Some("UNICEF"), &[]).await;
    let osce_token = login(&app, "donor@osce.example").await;
    let unicef_token = login(&app, "donor@unicef.example").await;
    let q = "{ project(slug: \"mlsp-trafficking-victim-assistance\") { slug serviceCounts { supportType value suppressed } } }";
    assert_eq!(
        app.graphql(q, json!({})).await["data"]["project"],
        Value::Null,
        "anonymous: private"
    );
    assert_eq!(
        as_user(&app, &unicef_token, q, json!({})).await["data"]["project"],
        Value::Null,
        "another donor: private"
    );
    let seen = as_user(&app, &osce_token, q, json!({})).await;
    let counts = seen["data"]["project"]["serviceCounts"]
        .as_array()
        .unwrap_or_else(|| panic!("{seen}"))
        .clone();
    let shelter = counts
        .iter()
        .find(|c| c["supportType"] == "SHELTER")
        .unwrap();
    assert_eq!(shelter["value"], Value::Null);
    assert_eq!(shelter["suppressed"], true);
}

engine_tests!(
    tampered_expired_or_misdirected_tokens_are_refused,
    donors_read_the_projects_they_fund_with_figures_still_suppressed
);

async fn repeated_failed_logins_are_throttled_per_email(engine: Engine) {
    let Some(app) = spawn(engine).await else {
        return;
    };
    create_user(&app, "m@undp.example", "manager", Some("UNDP"), &[]).await;
    let q = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token userErrors { code } } }";
    let mut codes = Vec::new();
    for _ in 0..12 {
        let r = app
            .graphql(
                q,
                json!({ "e": "m@undp.example", "p": "wrong password guess" }),
            )
            .await;
        codes.push(
            r["data"]["login"]["userErrors"][0]["code"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert!(
        codes[..10].iter().all(|c| c == "INVALID_CREDENTIALS"),
        "{codes:?}"
    );
    assert!(
        codes[10..].iter().all(|c| c == "TOO_MANY_ATTEMPTS"),
        "{codes:?}"
    );
    // Even the right password waits out the limit; other emails are not affected.
    let right = app
        .graphql(
            q,
            json!({ "e": "m@undp.example", "p": tests::accounts::PASSWORD }),
        )
        .await;
    assert_eq!(
        right["data"]["login"]["userErrors"][0]["code"],
        "TOO_MANY_ATTEMPTS"
    );
    create_user(&app, "other@undp.example", "viewer", None, &[]).await;
    assert!(!login(&app, "other@undp.example").await.is_empty());
}

engine_tests!(repeated_failed_logins_are_throttled_per_email);

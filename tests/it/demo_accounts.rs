//! The first start of the real binary on the embedded demo database (no
//! `DATABASE_URL`, in an empty working directory): it migrates, loads the
//! demo data and creates the README's demo accounts, each of which can log
//! in with its role and projects; in production it creates none.

use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use api::seed::DEMO_ACCOUNTS;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use tests::accounts::TEST_JWT_SECRET;
use tests::fixtures::raw_id;

use crate::support::{api_command, free_port};

/// A server started by `api serve` in `cwd`, killed when dropped.
struct Server {
    child: Child,
    base: String,
    client: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Server {
    /// Starts `api serve` with nothing configured but `env`, and waits until
    /// it answers (the first start migrates, seeds and hashes passwords).
    async fn start(cwd: &Path, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut command = api_command();
        command
            .args(["serve", "--port", &port.to_string()])
            .current_dir(cwd)
            .stdout(Stdio::null());
        for var in [
            "DATABASE_URL",
            "APP_ENV",
            "JWT_SECRET",
            "WEB_DIR",
            "API_BIND",
        ] {
            command.env_remove(var);
        }
        command.envs(env.iter().copied());
        let mut server = Self {
            child: command.spawn().expect("start api serve"),
            base: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
        };
        for _ in 0..1200 {
            if let Some(status) = server.child.try_wait().expect("poll the server") {
                panic!("api serve exited with {status} before answering");
            }
            if let Ok(r) = server
                .client
                .get(format!("{}/health", server.base))
                .send()
                .await
                && r.status().is_success()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "api serve at {} did not answer within a minute",
            server.base
        );
    }

    async fn graphql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        req.send()
            .await
            .expect("request reaches the server")
            .json()
            .await
            .expect("JSON response")
    }

    async fn login(&self, email: &str, password: &str) -> Value {
        let resp = self
            .graphql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token userErrors { code } } }",
                json!({ "e": email, "p": password }),
                None,
            )
            .await;
        assert!(resp.get("errors").is_none(), "login of {email}: {resp:#}");
        resp["data"]["login"].clone()
    }
}

/// The embedded database the server created under `cwd`.
async fn embedded_db(cwd: &Path) -> api::db::Db {
    // Where the README says the embedded database lives.
    let file = cwd.join("data/progress-hub.db");
    assert!(file.is_file(), "{} was not created", file.display());
    api::db::connect(&format!("sqlite://{}", file.display()), 1)
        .await
        .expect("open the embedded database")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_start_of_the_embedded_demo_database_creates_demo_accounts_that_can_log_in() {
    let cwd = tempfile::tempdir().unwrap();
    let server = Server::start(cwd.path(), &[]).await;
    let db = embedded_db(cwd.path()).await;
    assert!(api::seed::demo_is_loaded(&db.conn).await.unwrap());

    for account in DEMO_ACCOUNTS {
        let login = server.login(account.email, account.password).await;
        assert_eq!(login["userErrors"], json!([]), "{}: {login}", account.email);
        let token = login["token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token for {}: {login}", account.email));
        let me = server
            .graphql(
                "{ me { email displayName role active organisation { id } projects { slug } } }",
                json!({}),
                Some(token),
            )
            .await;
        let me = &me["data"]["me"];
        assert_eq!(me["email"], account.email, "{me}");
        assert_eq!(me["displayName"], account.name, "{me}");
        assert_eq!(me["active"], true, "{me}");
        assert_eq!(
            me["role"],
            account.role.code().to_ascii_uppercase(),
            "{}: {me}",
            account.email
        );
        match account.scope {
            Some((organisation, slug)) => {
                let expected = api::cli::organisation_id(&db.conn, organisation)
                    .await
                    .unwrap();
                let got = me["organisation"]["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{} has no organisation: {me}", account.email));
                assert_eq!(raw_id(got), expected, "{}: {me}", account.email);
                assert_eq!(me["projects"], json!([{ "slug": slug }]), "{me}");
            }
            None => {
                assert_eq!(me["organisation"], Value::Null, "{me}");
                assert_eq!(me["projects"], json!([]), "{me}");
            }
        }
        // The password is checked, not just the e-mail.
        let wrong = server.login(account.email, "not the demo password").await;
        assert_eq!(wrong["token"], Value::Null, "{wrong}");
        assert_eq!(wrong["userErrors"][0]["code"], "INVALID_CREDENTIALS");
    }
    let users = entities::user::Entity::find()
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(
        users,
        DEMO_ACCOUNTS.len() as u64,
        "exactly the demo accounts"
    );
    db.conn.close().await.ok();
    drop(server);

    // A second start finds the demo data and creates nothing again.
    let server = Server::start(cwd.path(), &[]).await;
    let db = embedded_db(cwd.path()).await;
    let users = entities::user::Entity::find()
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(
        users,
        DEMO_ACCOUNTS.len() as u64,
        "a restart adds no account"
    );
    let again = server
        .login(DEMO_ACCOUNTS[0].email, DEMO_ACCOUNTS[0].password)
        .await;
    assert!(again["token"].is_string(), "{again}");
    db.conn.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_production_the_embedded_demo_database_has_no_demo_accounts() {
    let cwd = tempfile::tempdir().unwrap();
    let server = Server::start(
        cwd.path(),
        &[("APP_ENV", "production"), ("JWT_SECRET", TEST_JWT_SECRET)],
    )
    .await;
    let db = embedded_db(cwd.path()).await;
    // The demo data is there; only the accounts are not.
    assert!(api::seed::demo_is_loaded(&db.conn).await.unwrap());
    for account in DEMO_ACCOUNTS {
        let login = server.login(account.email, account.password).await;
        assert_eq!(login["token"], Value::Null, "{}: {login}", account.email);
        assert_eq!(
            login["userErrors"][0]["code"], "INVALID_CREDENTIALS",
            "{}: {login}",
            account.email
        );
    }
    let users = entities::user::Entity::find()
        .count(&db.conn)
        .await
        .unwrap();
    assert_eq!(users, 0, "no account in production");
    db.conn.close().await.ok();
}

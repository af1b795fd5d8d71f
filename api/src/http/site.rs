//! The built web site (`web/build`, set by `WEB_DIR`), served at `/` beside
//! the API so that one address shows the site and answers its queries.
//!
//! SvelteKit's static adapter writes `/about` as `about.html` (or
//! `about/index.html`) and a `200.html` fallback for routes it did not
//! prerender; the handler tries those in that order. Files are read from disk
//! per request, so a rebuild of the site shows without a restart.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// Content-Security-Policy of the site's HTML pages. The pages tighten
/// `script-src` further with hashes in a `<meta>` tag (SvelteKit `kit.csp`).
const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'self'";

/// The same for `/embed/…` pages, which any site may show in an `<iframe>`.
const EMBED_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; \
connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors *";

/// The same for GraphiQL (`/graphiql/`, built into the site): it talks to
/// this origin only, runs its editor's workers from `blob:`, and is never
/// framed (a framed console could be clickjacked into sending queries with
/// the user's token).
const GRAPHIQL_CSP: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; \
connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The framing rule of a site page, by exact route prefix: embeds live at
/// `/embed/{lang}/…` (web/src/routes/embed) and only there; a path that
/// merely contains `/embed/` further down (`/en/manage/project/embed/`) is
/// an ordinary page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Any site may frame it.
    Embed,
    /// GraphiQL: never framed, its own CSP.
    Console,
    /// Framed by this origin only.
    Page,
}

impl Framing {
    /// The rule for a request path.
    pub(crate) fn of(path: &str) -> Self {
        if path.starts_with("/embed/") {
            Self::Embed
        } else if path == "/graphiql" || path.starts_with("/graphiql/") {
            Self::Console
        } else {
            Self::Page
        }
    }
}

/// Serves files below `root`.
#[derive(Clone, Debug)]
pub struct Site {
    root: PathBuf,
}

impl Site {
    /// A site rooted at `root` (the directory SvelteKit built).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Answers one request for a site path.
    pub async fn serve(&self, req: Request<Body>) -> Response {
        let path = req.uri().path().to_owned();
        let Some(relative) = safe_relative(&path) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let found = self.candidates(&relative).into_iter().find(|p| p.is_file());
        let (file, status) = match found {
            Some(file) => (file, StatusCode::OK),
            // Unknown asset paths are a 404, not the app shell: a missing
            // script must not be answered with HTML.
            None if relative.starts_with("_app/") => {
                return StatusCode::NOT_FOUND.into_response();
            }
            None => match [
                ("200.html", StatusCode::OK),
                ("404.html", StatusCode::NOT_FOUND),
            ]
            .into_iter()
            .map(|(name, status)| (self.root.join(name), status))
            .find(|(p, _)| p.is_file())
            {
                Some(found) => found,
                None => return StatusCode::NOT_FOUND.into_response(),
            },
        };
        let is_html = file.extension().is_some_and(|e| e == "html");
        let mut response = match ServeFile::new(&file).oneshot(req).await {
            Ok(r) => r.map(Body::new).into_response(),
            Err(e) => {
                tracing::error!(error = %e, file = %file.display(), "cannot read a site file");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        if response.status() == StatusCode::OK {
            *response.status_mut() = status;
        }
        let headers = response.headers_mut();
        let framing = Framing::of(&path);
        if is_html {
            let (csp, frame_options) = match framing {
                Framing::Embed => (EMBED_CSP, None),
                Framing::Console => (GRAPHIQL_CSP, Some("DENY")),
                Framing::Page => (PAGE_CSP, Some("SAMEORIGIN")),
            };
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(csp),
            );
            if let Some(value) = frame_options {
                headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static(value));
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        } else {
            // Scripts run as workers (the service worker) take their policy
            // from their own response: the page's, not the API's default
            // `default-src 'none'`, which would block every fetch they make.
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(if framing == Framing::Console {
                    GRAPHIQL_CSP
                } else {
                    PAGE_CSP
                }),
            );
            let cache = if relative.starts_with("_app/immutable/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        }
        response
    }

    fn candidates(&self, relative: &Path) -> Vec<PathBuf> {
        let base = self.root.join(relative);
        let mut out = Vec::with_capacity(3);
        if !relative.as_os_str().is_empty() {
            out.push(base.clone());
            let mut html = base.clone().into_os_string();
            html.push(".html");
            out.push(PathBuf::from(html));
        }
        out.push(base.join("index.html"));
        out
    }
}

/// The request path as a relative path under the site root, or `None` when it
/// tries to leave it (`..`, backslashes, NUL, absolute components).
fn safe_relative(path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    let mut out = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => continue,
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') || s.contains(':') => return None,
            s => out.push(s),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_under_embed_at_the_start_are_frameable() {
        assert_eq!(Framing::of("/embed/en/programme/x/"), Framing::Embed);
        assert_eq!(Framing::of("/en/manage/project/embed/"), Framing::Page);
        assert_eq!(Framing::of("/en/embed/"), Framing::Page);
        assert_eq!(Framing::of("/graphiql/"), Framing::Console);
        assert_eq!(Framing::of("/graphiql-evil/"), Framing::Page);
    }

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a\\b",
            "/x%00",
            "/%ff",
            "/c:/x",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
        assert_eq!(
            safe_relative("/en/centres"),
            Some(PathBuf::from("en/centres"))
        );
        assert_eq!(safe_relative("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_relative("/az/%C9%99razi"),
            Some(PathBuf::from("az/ərazi"))
        );
    }
}

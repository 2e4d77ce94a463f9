//! GraphiQL from the binary: our page at `GET /graphql` and the files it loads under
//! `/assets/graphiql/`, all compiled in, so that GraphiQL works on an agency network with
//! no way out. The page has no inline script, so its Content-Security-Policy allows
//! scripts from this hub only. See `assets/graphiql/README.md` for the versions.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Where the files are served; the router mounts [`asset`] at `{ASSET_ROOT}/{*file}`.
pub const ASSET_ROOT: &str = "/assets/graphiql";

/// Scripts and styles from this hub only; `connect-src` lets GraphiQL post to `/graphql`.
/// Styles may be inline because GraphiQL's dialogs add a `<style>` element at run time;
/// fonts are `data:` URLs inside GraphiQL's stylesheet.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; \
    connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Third-party files carry their version in their path, so they may be cached for a year.
const VENDORED: &str = "public, max-age=31536000, immutable";

/// Our own page, script and style change with the hub and have no version in their path.
const OURS: &str = "no-cache";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// A file the page loads: its path under [`ASSET_ROOT`], content type, caching and bytes.
struct Asset {
    path: &'static str,
    content_type: &'static str,
    cache_control: &'static str,
    bytes: &'static [u8],
}

/// Every file served under [`ASSET_ROOT`]. A new version of a vendored file gets a new
/// path here and in `index.html`.
const ASSETS: &[Asset] = &[
    Asset {
        path: "caselink-graphiql.js",
        content_type: JAVASCRIPT,
        cache_control: OURS,
        bytes: include_bytes!("../../assets/graphiql/caselink-graphiql.js"),
    },
    Asset {
        path: "caselink-graphiql.css",
        content_type: CSS,
        cache_control: OURS,
        bytes: include_bytes!("../../assets/graphiql/caselink-graphiql.css"),
    },
    Asset {
        path: "graphiql-3.9.0/graphiql.min.js",
        content_type: JAVASCRIPT,
        cache_control: VENDORED,
        bytes: include_bytes!("../../assets/graphiql/vendor/graphiql.min.js"),
    },
    Asset {
        path: "graphiql-3.9.0/graphiql.min.css",
        content_type: CSS,
        cache_control: VENDORED,
        bytes: include_bytes!("../../assets/graphiql/vendor/graphiql.min.css"),
    },
    Asset {
        path: "react-18.3.1/react.production.min.js",
        content_type: JAVASCRIPT,
        cache_control: VENDORED,
        bytes: include_bytes!("../../assets/graphiql/vendor/react.production.min.js"),
    },
    Asset {
        path: "react-dom-18.3.1/react-dom.production.min.js",
        content_type: JAVASCRIPT,
        cache_control: VENDORED,
        bytes: include_bytes!("../../assets/graphiql/vendor/react-dom.production.min.js"),
    },
];

const PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// The GraphiQL page (when enabled).
pub async fn page() -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, OURS),
        ],
        PAGE,
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// One of [`ASSETS`] by its path; 404 for any other.
pub async fn asset(Path(file): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.path == file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, asset.cache_control),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        asset.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_only_files_that_are_served() {
        let named: Vec<&str> = PAGE
            .split(['"', '\''])
            .filter_map(|part| part.strip_prefix(ASSET_ROOT))
            .filter_map(|rest| rest.strip_prefix('/'))
            .collect();
        assert!(named.len() >= 6, "{named:?}");
        for file in named {
            assert!(
                ASSETS.iter().any(|asset| asset.path == file),
                "{file} is not served"
            );
        }
    }
}

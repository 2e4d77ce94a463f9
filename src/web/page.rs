//! What every page shows around its content, and the pages every route can answer with:
//! not found, and an error that names only the request id.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::i18n::{Lang, Words};
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::db::TimeZone;
use crate::error::{AppError, AppResult};
use crate::{agencies, users};

/// The signed-in user, as the page header names them.
pub struct PageUser {
    pub name: String,
    pub agency: String,
}

/// The frame of a page: its language, its user and the CSRF token of its forms.
pub struct Page {
    pub lang: Lang,
    pub words: &'static Words,
    pub user: Option<PageUser>,
    /// The token every form of this page posts (empty when nobody is signed in).
    pub csrf: String,
    /// The time zone the page's times are in.
    pub zone: TimeZone,
    pub zone_name: &'static str,
}

impl Page {
    /// A page for nobody signed in: Russian, times in Moscow time.
    pub fn anonymous() -> Page {
        Page::frame(
            Lang::Ru,
            None,
            String::new(),
            TimeZone(chrono_tz::Europe::Moscow),
        )
    }

    fn frame(lang: Lang, user: Option<PageUser>, csrf: String, zone: TimeZone) -> Page {
        Page {
            lang,
            words: lang.words(),
            user,
            csrf,
            zone,
            zone_name: zone.name(),
        }
    }

    /// The page of a signed-in caller: their name, their agency's language and time
    /// zone. `None` when nobody is signed in (the route sends them to sign in).
    pub async fn signed_in(
        state: &AppState,
        caller: &Caller,
        headers: &axum::http::HeaderMap,
    ) -> AppResult<Option<Page>> {
        let Some(actor) = caller.signed_in() else {
            return Ok(None);
        };
        let user = users::get(&state.db, actor.user_id).await?;
        let (agency_name, lang, zone) = match actor.agency_id {
            Some(id) => {
                let agency = agencies::store::get(&state.db, id).await?;
                (
                    agency.name,
                    Lang::of_agency(agency.notification_language),
                    agency.time_zone,
                )
            }
            None => (String::new(), Lang::Ru, TimeZone::UTC),
        };
        // The user's own choice wins over the agency's.
        let lang = user.row.language.map(Lang::of_agency).unwrap_or(lang);
        // Signed in by cookie: forms carry its CSRF token. Signed in by a bearer token
        // (a program): it has no forms to post.
        let csrf = session::session_token(headers)
            .map(session::form_token)
            .unwrap_or_default();
        let user = PageUser {
            name: user.row.name,
            agency: agency_name,
        };
        Ok(Some(Page::frame(lang, Some(user), csrf, zone)))
    }
}

/// The frame of a page at `here` for a signed-in caller, or the answer to give instead:
/// the way to sign in (and back to `here`), or the error page.
pub async fn frame(
    state: &AppState,
    caller: &Caller,
    headers: &axum::http::HeaderMap,
    here: &str,
) -> Result<Page, Response> {
    match Page::signed_in(state, caller, headers).await {
        Ok(Some(page)) => Ok(page),
        Ok(None) => Err(to_sign_in(here)),
        Err(error) => Err(self::error(&Page::anonymous(), caller, error, here)),
    }
}

/// The frame of a page about one case at `here`, with the case's id read from the
/// address: a malformed id gets the not-found page, the same as a case out of scope.
pub async fn case_frame(
    state: &AppState,
    caller: &Caller,
    headers: &axum::http::HeaderMap,
    id: &str,
    here: &str,
) -> Result<(Page, uuid::Uuid), Response> {
    let page = frame(state, caller, headers, here).await?;
    match uuid::Uuid::parse_str(id) {
        Ok(case_id) => Ok((page, case_id)),
        Err(_) => Err(not_found(&page)),
    }
}

/// A page whose content is one message.
#[derive(Template)]
#[template(path = "web/templates/message.html")]
struct Message<'a> {
    page: &'a Page,
    title: &'a str,
    text: &'a str,
    request_id: Option<&'a str>,
}

/// Renders a template, or the plain error page should rendering fail.
pub fn html(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(error) => {
            AppError::internal(anyhow::anyhow!("rendering a page: {error}")).into_response()
        }
    }
}

/// The not-found page: the same for a page that does not exist and for one out of the
/// caller's scope, so it says nothing of what exists.
pub fn not_found(page: &Page) -> Response {
    let words = page.words;
    html(
        StatusCode::NOT_FOUND,
        &Message {
            page,
            title: words.not_found_title,
            text: words.not_found_text,
            request_id: None,
        },
    )
}

/// The answer to a form posted without its CSRF token (or with another session's).
pub fn form_expired(page: &Page) -> Response {
    let words = page.words;
    html(
        StatusCode::FORBIDDEN,
        &Message {
            page,
            title: words.error_title,
            text: words.form_expired,
            request_id: None,
        },
    )
}

/// The answer a page gives for an error: not found as the not-found page, a missing
/// sign-in as a way to the sign-in page, anything else as the error page with the
/// request id (the details are in the log, never on the page).
pub fn error(page: &Page, caller: &Caller, error: AppError, here: &str) -> Response {
    match error {
        AppError::NotFound(_) => not_found(page),
        AppError::Unauthenticated => to_sign_in(here),
        other => {
            let status = crate::http::error::status_of(&other);
            if let AppError::Internal(e) = &other {
                tracing::error!(
                    code = "INTERNAL",
                    error = format!("{e:#}"),
                    "internal error on a page"
                );
            }
            let words = page.words;
            html(
                status,
                &Message {
                    page,
                    title: words.error_title,
                    text: words.error_text,
                    request_id: Some(caller.request_id()),
                },
            )
        }
    }
}

/// Sends the browser to sign in, and back to `here` (a path of ours) afterwards.
pub fn to_sign_in(here: &str) -> Response {
    let target = format!("/login?next={}", encode_path(here));
    Redirect::to(&target).into_response()
}

/// A path as a query value: only unreserved characters stay as they are.
fn encode_path(path: &str) -> String {
    form_urlencoded::byte_serialize(path.as_bytes()).collect()
}

/// Where to go after signing in: a path of this hub (`/…`, not `//host`), else home.
pub fn local_path(next: &str) -> &str {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 512
        && !next.chars().any(|c| c.is_control());
    if local {
        next
    } else {
        "/"
    }
}

/// A response that also clears the session cookie.
pub fn clearing_session(policy: session::CookiePolicy, mut response: Response) -> Response {
    let value: HeaderValue = policy.session_cookie("", true);
    response.headers_mut().append(header::SET_COOKIE, value);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_hub_are_followed_after_sign_in() {
        assert_eq!(local_path("/handovers/1"), "/handovers/1");
        for outside in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "",
            "x",
        ] {
            assert_eq!(local_path(outside), "/", "{outside}");
        }
    }
}

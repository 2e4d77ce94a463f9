//! Signing in and out of the workspace. Sign-in goes through [`auth::login`], the same
//! function as the `login` mutation: the same throttle, rate limits, password pool and
//! audit events. The session it starts lasts as long as the web idle timeout and is
//! extended while the user works ([`auth::keep_alive`]).

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use super::page::{self, Page};
use super::session::{self, CookiePolicy};
use crate::access::Caller;
use crate::app::AppState;

use crate::agencies::NotificationLanguage;
use crate::error::{AppError, LoginRefusal};
use crate::graphql::Schemas;
use crate::{auth, db, users};

/// The sign-in page.
#[derive(Template)]
#[template(path = "web/templates/sign_in.html")]
struct SignInPage<'a> {
    page: &'a Page,
    csrf: &'a str,
    next: &'a str,
    email: &'a str,
    error: Option<String>,
}

/// `GET /login?next=/path`.
#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

/// `GET /login`: the form, with a fresh double-submit token; a signed-in user goes on.
pub async fn form(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    Query(query): Query<SignInQuery>,
) -> Response {
    let next = page::local_path(query.next.as_deref().unwrap_or("/")).to_owned();
    if caller.signed_in().is_some() {
        return Redirect::to(&next).into_response();
    }
    render(&state, &next, "", None, StatusCode::OK)
}

fn render(
    state: &AppState,
    next: &str,
    email: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let page = Page::anonymous();
    let csrf = session::new_sign_in_token();
    let mut response = page::html(
        status,
        &SignInPage {
            page: &page,
            csrf: &csrf,
            next,
            email,
            error,
        },
    );
    let policy = CookiePolicy::for_public_url(&state.config.mail.public_url);
    response
        .headers_mut()
        .append(header::SET_COOKIE, policy.sign_in_csrf_cookie(&csrf));
    response
}

/// The posted sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// `POST /login`: signs in and sets the session cookie, or shows the form again with
/// the reason in the user's words (never whether the address exists).
pub async fn submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = page::local_path(form.next.as_deref().unwrap_or("/")).to_owned();
    let words = Page::anonymous().words;
    // Only the e-mail goes back into the form: the password never leaves the server.
    let email: String = form.email.chars().take(254).collect();
    if !session::sign_in_token_matches(&headers, &form.csrf) {
        let message = Some(words.form_expired.to_owned());
        return render(&state, &next, &email, message, StatusCode::FORBIDDEN);
    }
    let peer = peer.map(|Extension(ConnectInfo(peer))| peer);
    let client = auth::rates::client_address(peer, &headers, state.config.sign_in.trusted_proxy);
    let request = auth::LoginRequest {
        email: &form.email,
        password: &form.password,
        device_token: None,
        client,
        request_id: caller.request_id(),
    };
    let ttl = state.config.web_idle_timeout();
    match auth::login(&state.db, &state.sign_in, request, ttl, db::now()).await {
        Ok(signed) => {
            let policy = CookiePolicy::for_public_url(&state.config.mail.public_url);
            let mut response = Redirect::to(&next).into_response();
            let cookies = response.headers_mut();
            cookies.append(
                header::SET_COOKIE,
                policy.session_cookie(&signed.token, false),
            );
            response
        }
        Err(error) => {
            let (status, message) = match error {
                AppError::LoginRefused(LoginRefusal::BadCredentials) => {
                    (StatusCode::UNAUTHORIZED, words.bad_credentials.to_owned())
                }
                AppError::LoginRefused(
                    LoginRefusal::SlowDown {
                        retry_after_seconds,
                    }
                    | LoginRefusal::Locked {
                        retry_after_seconds,
                    },
                ) => (
                    StatusCode::TOO_MANY_REQUESTS,
                    format!(
                        "{} {} {}",
                        words.sign_in_locked, retry_after_seconds, words.seconds
                    ),
                ),
                AppError::TooManyRequests(_) => {
                    (StatusCode::TOO_MANY_REQUESTS, words.sign_in_busy.to_owned())
                }
                AppError::BadUserInput { .. } => {
                    (StatusCode::BAD_REQUEST, words.bad_credentials.to_owned())
                }
                other => return page::error(&Page::anonymous(), &caller, other, "/login"),
            };
            render(&state, &next, &email, Some(message), status)
        }
    }
}

/// The posted sign-out form.
#[derive(Deserialize)]
pub struct SignOutForm {
    csrf: String,
}

/// `POST /logout`: ends the session (in every process within the token re-check) and
/// removes the cookie.
pub async fn sign_out(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<SignOutForm>,
) -> Response {
    let policy = CookiePolicy::for_public_url(&state.config.mail.public_url);
    let to_sign_in = || page::clearing_session(policy, Redirect::to("/login").into_response());
    let (Some(actor), Some(token)) = (caller.signed_in(), session::session_token(&headers)) else {
        return to_sign_in();
    };
    if !session::form_token_matches(token, &form.csrf) {
        return page::form_expired(&Page::anonymous());
    }
    let _ = actor;
    match auth::logout(&state.db, &state.tokens, &caller, db::now()).await {
        Ok(()) => to_sign_in(),
        Err(error) => page::error(&Page::anonymous(), &caller, error, "/"),
    }
}

/// The posted language switch.
#[derive(Deserialize)]
pub struct LanguageForm {
    csrf: String,
    language: String,
}

/// `POST /language`: the signed-in user's own language for the workspace (`ru`, `en`),
/// then home in it.
pub async fn set_language(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Response {
    let Some(token) = session::session_token(&headers) else {
        return page::to_sign_in("/");
    };
    if caller.signed_in().is_none() {
        return page::to_sign_in("/");
    }
    if !session::form_token_matches(token, &form.csrf) {
        return page::form_expired(&Page::anonymous());
    }
    let language = match form.language.as_str() {
        "ru" => NotificationLanguage::Ru,
        "en" => NotificationLanguage::En,
        _ => {
            return page::error(
                &Page::anonymous(),
                &caller,
                AppError::bad_input("language", "ru or en"),
                "/",
            )
        }
    };
    match users::set_own_language(&state.db, &caller, Some(language), db::now()).await {
        Ok(_) => Redirect::to("/").into_response(),
        Err(error) => page::error(&Page::anonymous(), &caller, error, "/"),
    }
}

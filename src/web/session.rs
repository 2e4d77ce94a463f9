//! The workspace's session cookie and the CSRF tokens of its forms.
//!
//! A web session is an ordinary sign-in session (the `sessions` table, the same token
//! check as a bearer token, ended by sign-out and by deactivating the user or agency); its
//! token travels in a cookie instead of a header. The cookie is `HttpOnly` and
//! `SameSite=Lax`, and `Secure` with the `__Host-` prefix when the hub is served over
//! TLS. It is honoured on pages and downloads, never on `/graphql`
//! ([`crate::http::caller::credential`]), so the API stays token-only and a page cannot
//! be driven by another site's script.
//!
//! Every form carries a CSRF token: for a signed-in user an HMAC of the session token (so
//! it needs no storage and ends with the session), for the sign-in form a random value
//! that must match a short-lived cookie (double submit), which stops another site from
//! signing a user into an account of its choosing.

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The session cookie's name over plain HTTP (a local or demo hub).
pub const SESSION_COOKIE: &str = "caselink_session";
/// Its name over TLS: the prefix makes browsers refuse it unless Secure, host-only, `/`.
pub const SECURE_SESSION_COOKIE: &str = "__Host-caselink_session";
/// The sign-in form's double-submit cookie.
pub const SIGN_IN_CSRF_COOKIE: &str = "caselink_sign_in_csrf";

/// Whether cookies are sent only over TLS: when the hub's public address is `https://`.
#[derive(Clone, Copy, Debug)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    /// From the hub's public address.
    pub fn for_public_url(public_url: &str) -> CookiePolicy {
        CookiePolicy {
            secure: public_url.starts_with("https://"),
        }
    }

    /// The session cookie's name under this policy.
    pub fn session_name(self) -> &'static str {
        if self.secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }

    /// A `Set-Cookie` value holding `token` until the browser closes (the server ends
    /// the session sooner when it sits idle), or removing it (`remove`).
    pub fn session_cookie(self, token: &str, remove: bool) -> HeaderValue {
        self.cookie(self.session_name(), token, remove.then_some(0))
    }

    /// A `Set-Cookie` value for the sign-in form's CSRF value.
    pub fn sign_in_csrf_cookie(self, value: &str) -> HeaderValue {
        self.cookie(SIGN_IN_CSRF_COOKIE, value, Some(3600))
    }

    fn cookie(self, name: &'static str, value: &str, max_age_seconds: Option<i64>) -> HeaderValue {
        let mut cookie = Cookie::build((name, value.to_owned()))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .build();
        if let Some(seconds) = max_age_seconds {
            cookie.set_max_age(cookie::time::Duration::seconds(seconds.max(0)));
        }
        // A token and a hex value hold only cookie-safe characters, so this cannot fail;
        // should it, the browser gets no cookie rather than a broken header.
        HeaderValue::from_str(&cookie.to_string())
            .unwrap_or_else(|_| HeaderValue::from_static("caselink_invalid=; Max-Age=0"))
    }
}

/// The value of cookie `name` in the request, if it sent one.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// The session token the request's cookie carries, under either name (a hub moved behind
/// TLS still reads a cookie set before; the browser drops it when it expires).
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, SECURE_SESSION_COOKIE).or_else(|| cookie_value(headers, SESSION_COOKIE))
}

/// The CSRF token of a signed-in user's forms: an HMAC of the session token.
pub fn form_token(session_token: &str) -> String {
    let mut mac = <Hmac<Sha256>>::new_from_slice(session_token.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"caselink web form v1");
    hex::encode(mac.finalize().into_bytes())
}

/// Whether a posted form carries the form token of the session it came with: the one
/// check every state-changing page makes before it acts.
pub fn form_ok(headers: &HeaderMap, posted: &str) -> bool {
    session_token(headers).is_some_and(|t| form_token_matches(t, posted))
}

/// Whether a posted CSRF token is the one `session_token`'s forms carry (in constant time).
pub fn form_token_matches(session_token: &str, posted: &str) -> bool {
    let Ok(posted) = hex::decode(posted) else {
        return false;
    };
    let mut mac = <Hmac<Sha256>>::new_from_slice(session_token.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"caselink web form v1");
    mac.verify_slice(&posted).is_ok()
}

/// A fresh random value for the sign-in form's double submit.
pub fn new_sign_in_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Whether the posted sign-in token matches its cookie (in constant time).
pub fn sign_in_token_matches(headers: &HeaderMap, posted: &str) -> bool {
    use subtle_compare::equal;
    cookie_value(headers, SIGN_IN_CSRF_COOKIE).is_some_and(|cookie| equal(cookie, posted))
}

mod subtle_compare {
    use hmac::Mac;

    /// Compares two strings in time that depends only on their lengths: both are
    /// MACed under one key and the MACs compared by `verify_slice`.
    pub fn equal(a: &str, b: &str) -> bool {
        let tag = |s: &str| {
            let mut mac = <hmac::Hmac<sha2::Sha256>>::new_from_slice(b"compare")
                .expect("HMAC takes a key of any length");
            mac.update(s.as_bytes());
            mac
        };
        let expected = tag(a).finalize().into_bytes();
        tag(b).verify_slice(&expected).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_token_matches_only_its_own_session() {
        let token = form_token("session-a");
        assert!(form_token_matches("session-a", &token));
        assert!(!form_token_matches("session-b", &token));
        assert!(!form_token_matches("session-a", "not hex"));
        assert!(!form_token_matches("session-a", ""));
    }

    #[test]
    fn the_session_cookie_is_read_under_either_name_and_nothing_else() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; caselink_session=tok; b=2"),
        );
        assert_eq!(session_token(&headers), Some("tok"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("caselink_sessionx=tok"),
        );
        assert_eq!(session_token(&headers), None);
    }

    #[test]
    fn cookies_over_tls_are_secure_and_host_only() {
        let value = CookiePolicy::for_public_url("https://hub.example")
            .session_cookie("tok", false)
            .to_str()
            .unwrap()
            .to_owned();
        assert!(value.starts_with("__Host-caselink_session=tok"), "{value}");
        assert!(
            !value.contains("Max-Age"),
            "a session cookie ends with the browser: {value}"
        );
        for part in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(value.contains(part), "{value} lacks {part}");
        }
        let plain =
            CookiePolicy::for_public_url("http://localhost:8080").session_cookie("tok", false);
        assert!(!plain.to_str().unwrap().contains("Secure"));
    }
}

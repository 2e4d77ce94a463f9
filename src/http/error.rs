//! The one mapping from [`AppError`] to a plain HTTP answer: a status, and the error's
//! public message as text, for every route that is not GraphQL (the CSV export, document
//! downloads, pages). A spreadsheet or a browser shows the text; a program reads the
//! status and the `x-error-code` header, which holds the same code as GraphQL's
//! `extensions.code`. GraphQL's own mapping is `graphql::error`.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::graphql::error::code;

/// The header naming the error's code, as `extensions.code` does in GraphQL.
pub const ERROR_CODE: HeaderName = HeaderName::from_static("x-error-code");

/// The HTTP status of an error.
pub fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::Unauthenticated | AppError::LoginRefused(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The error's code, the same value as `extensions.code`.
fn code_of(error: &AppError) -> &'static str {
    match error {
        AppError::Unauthenticated | AppError::LoginRefused(_) => code::UNAUTHENTICATED,
        AppError::Forbidden(_) => code::FORBIDDEN,
        AppError::NotFound(_) => code::NOT_FOUND,
        AppError::BadUserInput { .. } => code::BAD_USER_INPUT,
        AppError::Conflict(_) => code::CONFLICT,
        AppError::TooManyRequests(_) => code::TOO_MANY_REQUESTS,
        AppError::Internal(_) => code::INTERNAL,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            // The chain goes to the log (with the request id from the span), never out.
            tracing::error!(
                code = code::INTERNAL,
                error = format!("{e:#}"),
                "internal error"
            );
        }
        let status = status_of(&self);
        let mut response = (status, self.public_message()).into_response();
        let headers = response.headers_mut();
        headers.insert(ERROR_CODE, HeaderValue::from_static(code_of(&self)));
        if status == StatusCode::UNAUTHORIZED {
            // RFC 9110 §11.6.1: a 401 names the scheme to use.
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let AppError::TooManyRequests(busy) = &self {
            headers.insert(header::RETRY_AFTER, busy.retry_after_seconds.max(1).into());
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_status_and_code() {
        let response = AppError::Unauthenticated.into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(response.headers()[ERROR_CODE], "UNAUTHENTICATED");
        let response = AppError::NotFound("document").into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(response.headers()[ERROR_CODE], "NOT_FOUND");
        let internal = AppError::internal(anyhow::anyhow!("secret path"));
        assert_eq!(
            internal.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}

//! The one conversion from [`AppError`] to a GraphQL error with `extensions.code`, and
//! the filler that gives the framework's own errors (parse, validation, limits) a code.

use async_graphql::{ErrorExtensionValues, Response, ServerError};

use crate::error::{AppError, LoginRefusal};

/// The values of `extensions.code`.
pub mod code {
    /// No valid session.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// The role does not allow it.
    pub const FORBIDDEN: &str = "FORBIDDEN";
    /// Absent or outside the caller's scope.
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// Input that breaks a rule; `extensions.field` names the field.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    /// Clashes with the current state.
    pub const CONFLICT: &str = "CONFLICT";
    /// Too much at once; `extensions.reason` says which limit, `retryAfterSeconds` when
    /// to try again.
    pub const TOO_MANY_REQUESTS: &str = "TOO_MANY_REQUESTS";
    /// Our fault; details are in the server log under the request id.
    pub const INTERNAL: &str = "INTERNAL";
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        let mut extensions = ErrorExtensionValues::default();
        let code = match &error {
            AppError::Unauthenticated => code::UNAUTHENTICATED,
            AppError::LoginRefused(refusal) => {
                match refusal {
                    LoginRefusal::BadCredentials => {}
                    LoginRefusal::SlowDown {
                        retry_after_seconds,
                    } => {
                        extensions.set("reason", "SLOW_DOWN");
                        extensions.set("retryAfterSeconds", *retry_after_seconds);
                    }
                    LoginRefusal::Locked {
                        retry_after_seconds,
                    } => {
                        extensions.set("reason", "LOCKED");
                        extensions.set("retryAfterSeconds", *retry_after_seconds);
                    }
                }
                code::UNAUTHENTICATED
            }
            AppError::TooManyRequests(busy) => {
                extensions.set("reason", busy.reason.code());
                extensions.set("retryAfterSeconds", busy.retry_after_seconds);
                code::TOO_MANY_REQUESTS
            }
            AppError::Forbidden(_) => code::FORBIDDEN,
            AppError::NotFound(_) => code::NOT_FOUND,
            AppError::BadUserInput { field, .. } => {
                extensions.set("field", field.as_str());
                code::BAD_USER_INPUT
            }
            AppError::Conflict(_) => code::CONFLICT,
            AppError::Internal(e) => {
                // The chain goes to the log (with the request id from the span), never out.
                tracing::error!(
                    code = code::INTERNAL,
                    error = format!("{e:#}"),
                    "internal error"
                );
                code::INTERNAL
            }
        };
        extensions.set("code", code);
        async_graphql::Error {
            message: error.public_message(),
            source: None,
            extensions: Some(extensions),
        }
    }
}

/// Gives every error in `response` a code. Our resolvers always set one; errors without
/// one come from the framework rejecting the request itself (syntax, unknown enum value,
/// depth or complexity limit, a malformed ID), which is the client's input.
pub fn fill_codes(response: &mut Response) {
    for error in &mut response.errors {
        fill_code(error);
    }
}

fn fill_code(error: &mut ServerError) {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_some() {
        return;
    }
    extensions.set("code", code::BAD_USER_INPUT);
    if let Some(field) = argument_named_in(&error.message) {
        extensions.set("field", field);
    }
}

/// async-graphql names a rejected argument as `argument "input.kind"`; we report the
/// innermost field name (`kind`), as our own errors do.
fn argument_named_in(message: &str) -> Option<String> {
    let start = message.find("argument \"")? + "argument \"".len();
    let rest = &message[start..];
    let path = &rest[..rest.find('"')?];
    // `input.roles.0` is the first role: the field is `roles`.
    let field = path
        .rsplit('.')
        .find(|segment| !segment.chars().all(|c| c.is_ascii_digit()))?;
    (!field.is_empty()).then(|| field.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::Value;

    fn code_of(error: AppError) -> (String, Option<Value>) {
        let error: async_graphql::Error = error.into();
        let extensions = error.extensions.unwrap_or_default();
        let code = match extensions.get("code") {
            Some(Value::String(code)) => code.clone(),
            _ => String::new(),
        };
        (code, extensions.get("field").cloned())
    }

    #[test]
    fn each_error_carries_its_code() {
        assert_eq!(code_of(AppError::Unauthenticated).0, code::UNAUTHENTICATED);
        assert_eq!(
            code_of(AppError::LoginRefused(LoginRefusal::BadCredentials)).0,
            code::UNAUTHENTICATED
        );
        assert_eq!(code_of(AppError::Forbidden("x")).0, code::FORBIDDEN);
        assert_eq!(code_of(AppError::NotFound("case")).0, code::NOT_FOUND);
        assert_eq!(code_of(AppError::Conflict("x".into())).0, code::CONFLICT);
        let busy = crate::error::Busy {
            reason: crate::error::BusyReason::PasswordQueueFull,
            retry_after_seconds: 1,
        };
        assert_eq!(
            code_of(AppError::TooManyRequests(busy)).0,
            code::TOO_MANY_REQUESTS
        );
        assert_eq!(
            code_of(AppError::internal(anyhow::anyhow!("boom"))).0,
            code::INTERNAL
        );
    }

    #[test]
    fn bad_input_names_the_field() {
        let (code, field) = code_of(AppError::bad_input("email", "not an e-mail address"));
        assert_eq!(code, code::BAD_USER_INPUT);
        assert_eq!(field, Some(Value::String("email".into())));
    }

    #[test]
    fn internal_errors_leak_nothing() {
        let error: async_graphql::Error =
            AppError::internal(anyhow::anyhow!("SELECT * FROM users: /var/lib/secret")).into();
        assert_eq!(error.message, "internal error");
    }

    #[test]
    fn a_framework_error_gets_bad_user_input_and_the_argument() {
        let mut error = ServerError::new(
            "Invalid value for argument \"input.kind\", enumeration type \"AgencyKind\" does not contain the value \"ZOO\"",
            None,
        );
        fill_code(&mut error);
        let extensions = error.extensions.unwrap_or_default();
        assert_eq!(
            extensions.get("code"),
            Some(&Value::String(code::BAD_USER_INPUT.into()))
        );
        assert_eq!(extensions.get("field"), Some(&Value::String("kind".into())));
        assert_eq!(
            argument_named_in("argument \"input.roles.0\", enum").as_deref(),
            Some("roles")
        );
    }
}

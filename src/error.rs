//! One error type for the whole hub, so every failure reaches the client with a stable
//! `extensions.code` (see `graphql::error`) and nothing internal leaks.

use std::fmt;

/// Everything that can go wrong while serving a request.
///
/// It deliberately does not implement `Display`: async-graphql converts any `Display` type
/// into an error *without* extensions, and we want every error to carry its code. The one
/// conversion lives in `graphql::error`.
pub enum AppError {
    /// No valid session: sign in first.
    Unauthenticated,
    /// Sign-in refused; the message never tells whether the e-mail exists.
    LoginRefused(LoginRefusal),
    /// Too much at once (sign-ins from an address or in total, password checks waiting):
    /// try again later. Depends on load only, never on an account.
    TooManyRequests(Busy),
    /// Signed in, but the role does not allow this.
    Forbidden(&'static str),
    /// Absent or outside the caller's access scope: the two are indistinguishable.
    NotFound(&'static str),
    /// Input that breaks a rule; `field` names the input field at fault.
    BadUserInput { field: String, message: String },
    /// The request is valid but clashes with the current state (a version, a transition).
    Conflict(String),
    /// A bug or an outage; logged with its chain, shown to the client as "internal error".
    Internal(anyhow::Error),
}

/// Why a sign-in was refused. Identical for known and unknown e-mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    /// Wrong e-mail or password (or the account is inactive).
    BadCredentials,
    /// Too many failures in a row: wait before the next try.
    SlowDown { retry_after_seconds: i64 },
    /// Too many failures: the account is locked for a while.
    Locked { retry_after_seconds: i64 },
}

/// A refusal for load, with how long to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    /// Which limit refused.
    pub reason: BusyReason,
    /// Seconds until a try may pass (at least 1).
    pub retry_after_seconds: i64,
}

/// Which load limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusyReason {
    /// Too many sign-ins from the client's address.
    AddressLimit,
    /// Too many sign-ins across the hub.
    TotalLimit,
    /// Every password worker is busy and the waiting queue is full.
    PasswordQueueFull,
}

impl BusyReason {
    /// The value of `extensions.reason`.
    pub fn code(self) -> &'static str {
        match self {
            BusyReason::AddressLimit => "ADDRESS_LIMIT",
            BusyReason::TotalLimit => "TOTAL_LIMIT",
            BusyReason::PasswordQueueFull => "PASSWORD_QUEUE_FULL",
        }
    }

    /// The reason of the `LOGIN_FAILED` audit event.
    pub fn audit_reason(self) -> &'static str {
        match self {
            BusyReason::AddressLimit => "address_rate_limited",
            BusyReason::TotalLimit => "total_rate_limited",
            BusyReason::PasswordQueueFull => "password_queue_full",
        }
    }
}

impl AppError {
    /// A bad-input error naming the field at fault.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// An internal error from any error type.
    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }

    /// The message shown to the client; never contains internals.
    pub fn public_message(&self) -> String {
        match self {
            AppError::Unauthenticated => "sign in first".into(),
            AppError::LoginRefused(LoginRefusal::BadCredentials) => {
                "wrong e-mail or password".into()
            }
            AppError::LoginRefused(LoginRefusal::SlowDown {
                retry_after_seconds,
            }) => format!("too many failed sign-ins; try again in {retry_after_seconds} s"),
            AppError::LoginRefused(LoginRefusal::Locked {
                retry_after_seconds,
            }) => format!(
                "too many failed sign-ins; sign-in is locked for {} min",
                (retry_after_seconds + 59) / 60
            ),
            AppError::TooManyRequests(busy) => {
                let wait = busy.retry_after_seconds;
                match busy.reason {
                    BusyReason::AddressLimit => {
                        format!("too many sign-ins from your network; try again in {wait} s")
                    }
                    BusyReason::TotalLimit => {
                        format!("too many sign-ins at the moment; try again in {wait} s")
                    }
                    BusyReason::PasswordQueueFull => {
                        format!("the server is busy checking passwords; try again in {wait} s")
                    }
                }
            }
            AppError::Forbidden(what) => format!("your role does not allow this: {what}"),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::BadUserInput { field, message } => format!("{field}: {message}"),
            AppError::Conflict(message) => message.clone(),
            AppError::Internal(_) => "internal error".into(),
        }
    }
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Internal(e) => write!(f, "Internal({e:#})"),
            other => write!(f, "{}", other.public_message()),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        // Match on the kind, not constraint names: SQLite does not report them.
        match &error {
            sqlx::Error::RowNotFound => AppError::NotFound("record"),
            sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                AppError::Conflict("a record with the same key already exists".into())
            }
            _ => AppError::Internal(error.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(error: anyhow::Error) -> Self {
        AppError::Internal(error)
    }
}

impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        AppError::Internal(error.into())
    }
}

/// Shorthand for results in the hub.
pub type AppResult<T> = Result<T, AppError>;

/// For the command line, where errors end in `anyhow` and are printed.
impl From<AppError> for anyhow::Error {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Internal(e) => e,
            other => anyhow::anyhow!(other.public_message()),
        }
    }
}

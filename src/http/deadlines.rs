//! Two deadlines on every request, so that a slow or stalled client cannot hold a
//! connection, a body buffer or a database connection for as long as it likes:
//!
//! - reading the body must finish within `request_body_timeout`, counted from when the
//!   request arrived, however slowly the bytes trickle in (a per-read timeout would let
//!   a client that sends one byte every few seconds go on for ever): **408**;
//! - the whole request, body and work, must finish within `request_timeout`: **503**,
//!   since by then the fault may be ours (a busy database) as much as the client's.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::Sleep;

/// The two deadlines, from the settings.
#[derive(Clone, Copy, Debug)]
pub struct Deadlines {
    /// How long reading the request body may take.
    pub body: Duration,
    /// How long the whole request may take.
    pub whole: Duration,
}

/// The middleware: wraps the body in its deadline, runs the request under the whole
/// deadline, and answers 408 when the body's deadline is what ended it.
pub async fn enforce(
    State(deadlines): State<Deadlines>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let expired = Arc::new(AtomicBool::new(false));
    let (parts, body) = request.into_parts();
    let body = Body::new(DeadlineBody {
        inner: body,
        deadline: Box::pin(tokio::time::sleep(deadlines.body)),
        expired: expired.clone(),
    });
    let request = Request::from_parts(parts, body);
    let response = tokio::time::timeout(deadlines.whole, next.run(request)).await;
    if expired.load(Ordering::Relaxed) {
        return (
            StatusCode::REQUEST_TIMEOUT,
            "the request body was not received in time",
        )
            .into_response();
    }
    match response {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = deadlines.whole.as_secs(), "request timed out");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the request took too long; try again",
            )
                .into_response()
        }
    }
}

/// A request body that fails once its deadline passes, and says so through `expired`.
struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<Sleep>>,
    expired: Arc<AtomicBool>,
}

/// The error a body reader sees after the deadline.
#[derive(Debug)]
struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body was not received in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            self.expired.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

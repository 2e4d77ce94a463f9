//! Sending one message over SMTP with lettre: STARTTLS or implicit TLS (rustls), or plain
//! to a relay on loopback only.

use std::net::IpAddr;
use std::time::Duration;

use anyhow::{bail, Context as _};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::model::NotificationRow;
use super::templates;
use crate::config::{MailConfig, SmtpSecurity};

/// What became of one try.
#[derive(Debug)]
pub enum Outcome {
    /// The server accepted the message.
    Sent,
    /// It may work later (the server is down, busy or answered 4xx).
    Retry(String),
    /// It will never work as it is (a 5xx answer, a bad address): give up now.
    Permanent(String),
}

/// An SMTP client built from the settings.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
    public_url: String,
}

impl Mailer {
    /// Builds a client, or `None` when no SMTP host is set. Refuses plain SMTP to a host
    /// that is not on loopback, and a host without a sender.
    pub fn from_config(config: &MailConfig) -> anyhow::Result<Option<Mailer>> {
        if !config.configured() {
            return Ok(None);
        }
        let host = config.smtp_host.as_deref().unwrap_or_default().trim();
        let from: Mailbox = config
            .mail_from
            .as_deref()
            .context("CASELINK_MAIL_FROM must be set with CASELINK_SMTP_HOST")?
            .parse()
            .context("CASELINK_MAIL_FROM is not a valid address")?;
        let domain = from.email.domain().to_owned();
        let tls = match config.smtp_security {
            SmtpSecurity::Starttls => Tls::Required(TlsParameters::new(host.to_owned())?),
            SmtpSecurity::Tls => Tls::Wrapper(TlsParameters::new(host.to_owned())?),
            SmtpSecurity::Plain if is_loopback(host) => Tls::None,
            SmtpSecurity::Plain => {
                bail!("CASELINK_SMTP_SECURITY=plain is allowed only to a loopback host, not {host}")
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.port())
            .tls(tls)
            .hello_name(ClientId::Domain(domain.clone()))
            .timeout(Some(Duration::from_secs(
                config.smtp_timeout_seconds.max(1),
            )));
        if let (Some(user), Some(password)) = (&config.smtp_username, &config.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
            domain,
            public_url: config.public_url.clone(),
        }))
    }

    /// The stable Message-ID of a row: the same on every try, so a receiver can drop a
    /// copy that a crash between sending and recording made us send again.
    pub fn message_id(&self, row: &NotificationRow) -> String {
        message_id(row.id, &self.domain)
    }

    /// Builds and sends the message for `row`.
    pub async fn send(&self, row: &NotificationRow) -> Outcome {
        let message = match self.build(row) {
            Ok(message) => message,
            Err(error) => return Outcome::Permanent(format!("{error:#}")),
        };
        match self.transport.send(message).await {
            Ok(_) => Outcome::Sent,
            Err(error) if error.is_permanent() => Outcome::Permanent(error.to_string()),
            Err(error) => Outcome::Retry(error.to_string()),
        }
    }

    fn build(&self, row: &NotificationRow) -> anyhow::Result<Message> {
        let to: Mailbox = row
            .recipient
            .parse()
            .context("the recipient is not a valid address")?;
        let rendered =
            templates::render(row, &self.public_url).context("the message could not be written")?;
        // Base64 for both parts: safe through any relay, whatever it says of 8BITMIME.
        let part = |kind: ContentType, body: String| {
            SinglePart::builder()
                .header(kind)
                .header(ContentTransferEncoding::Base64)
                .body(body)
        };
        Ok(Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .message_id(Some(self.message_id(row)))
            .multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, rendered.text))
                    .singlepart(part(ContentType::TEXT_HTML, rendered.html)),
            )?)
    }
}

/// `<{id}@{domain}>`.
pub fn message_id(id: uuid::Uuid, domain: &str) -> String {
    format!("<{id}@{domain}>")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_goes_only_to_loopback() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("[::1]"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("smtp.example.org"));
        assert!(!is_loopback("10.0.0.5"));
    }

    #[test]
    fn the_message_id_is_derived_from_the_row_id() {
        let id = uuid::Uuid::nil();
        assert_eq!(
            message_id(id, "hub.example"),
            "<00000000-0000-0000-0000-000000000000@hub.example>"
        );
    }
}

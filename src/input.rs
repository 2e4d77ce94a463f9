//! Parsing of the input every domain shares: names, e-mail addresses, time zones.
//! Each parser names the field at fault, so the client sees `extensions.field`.

use crate::error::{AppError, AppResult};

/// The longest name a person or agency may have, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A trimmed, non-empty name of at most [`MAX_NAME_CHARS`] characters.
pub fn name(field: &str, value: &str) -> AppResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AppError::bad_input(field, "must not be empty"));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Free text of at most `max_chars` characters, trimmed; blank becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max_chars: usize,
) -> AppResult<Option<String>> {
    let Some(trimmed) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if trimmed.chars().count() > max_chars {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {max_chars} characters"),
        ));
    }
    Ok(Some(trimmed.to_owned()))
}

/// Free text that must be given: trimmed, non-empty, at most `max_chars` characters.
pub fn required_text(field: &str, value: &str, max_chars: usize) -> AppResult<String> {
    optional_text(field, Some(value), max_chars)?
        .ok_or_else(|| AppError::bad_input(field, "must not be empty"))
}

/// A search for part of a name: trimmed, at most [`MAX_NAME_CHARS`] characters (nothing
/// longer can match a name); blank means no search.
pub fn name_search(field: &str, value: Option<String>) -> AppResult<Option<String>> {
    optional_text(field, value.as_deref(), MAX_NAME_CHARS)
}

/// The lowercased form searched by, since SQLite's `LIKE` folds ASCII only and names
/// here are Cyrillic.
pub fn search_key(name: &str) -> String {
    name.to_lowercase()
}

/// A `LIKE … ESCAPE '\\'` pattern matching search keys that contain `text`, any case,
/// with the wildcards in `text` escaped.
pub fn like_pattern(text: &str) -> String {
    let escaped = search_key(text.trim())
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// An e-mail address: trimmed, one `@`, a dotted domain, no spaces, at most 254 bytes.
/// Returns the address as given and its normalised (lowercased) form.
pub fn email(field: &str, value: &str) -> AppResult<(String, String)> {
    let address = value.trim();
    let bad = || AppError::bad_input(field, "not an e-mail address");
    if address.len() > 254 || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = address.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.contains('@')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-'));
    if local.is_empty() || local.len() > 64 || !domain_ok {
        return Err(bad());
    }
    Ok((address.to_owned(), address.to_lowercase()))
}

/// An IANA time zone name, e.g. `Asia/Yekaterinburg`.
pub fn time_zone(field: &str, value: &str) -> AppResult<crate::db::TimeZone> {
    value
        .trim()
        .parse::<chrono_tz::Tz>()
        .map(crate::db::TimeZone)
        .map_err(|_| AppError::bad_input(field, "not an IANA time zone, e.g. Europe/Moscow"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_may_be_cyrillic() {
        assert_eq!(
            name("name", "  Иванова Мария ").ok().as_deref(),
            Some("Иванова Мария")
        );
    }

    #[test]
    fn a_name_search_is_no_longer_than_a_name() {
        assert_eq!(
            name_search("nameContains", Some(" опека ".into())).ok(),
            Some(Some("опека".into()))
        );
        assert_eq!(
            name_search("nameContains", Some("  ".into())).ok(),
            Some(None)
        );
        assert!(name_search("nameContains", Some("я".repeat(201))).is_err());
    }

    #[test]
    fn an_empty_or_over_long_name_is_refused() {
        assert!(name("name", "   ").is_err());
        assert!(name("name", &"я".repeat(200)).is_ok());
        assert!(name("name", &"я".repeat(201)).is_err());
    }

    #[test]
    fn e_mail_addresses_are_checked_and_normalised() {
        let (given, normalised) = email("email", " Opeka@Surgut.RU ").ok().unwrap();
        assert_eq!(given, "Opeka@Surgut.RU");
        assert_eq!(normalised, "opeka@surgut.ru");
        for bad in ["", "no-at", "a@b", "a b@c.ru", "@c.ru", "a@.ru", "a@b@c.ru"] {
            assert!(email("email", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn search_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" ОПЕКА "), "%опека%");
        assert_eq!(like_pattern("50%_"), "%50\\%\\_%");
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert!(time_zone("timeZone", "Asia/Yekaterinburg").is_ok());
        assert!(time_zone("timeZone", "Mars/Olympus").is_err());
    }
}

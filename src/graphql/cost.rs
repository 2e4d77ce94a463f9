//! What the fields that do real work cost against the complexity limit
//! (`CASELINK_MAX_QUERY_COMPLEXITY`, 5000 by default), on top of one point per field.
//!
//! The limit is checked before anything runs, so a document asking for many expensive
//! fields (a thousand aliased `login`s) is refused whole, with nothing done. The costs
//! are set against the limit, not measured: a password hash takes tens of milliseconds
//! of a core where an ordinary field takes microseconds, so it costs as much as a full
//! page of 100 rows with ten fields each. docs/api.md lists them.

/// One argon2id computation: `login`, `createUser`, `setUserPassword` cost one,
/// `changePassword` two (the current password is checked, the new one hashed). Five fit
/// no document under the default limit.
pub const PASSWORD_CHECK: usize = 1000;

/// The lowest complexity limit accepted: room for `changePassword` (two computations)
/// with what a client selects beside it. Below it nobody could change a password, and
/// below half of it nobody could sign in.
pub const SMALLEST_LIMIT: usize = 2 * PASSWORD_CHECK + 100;

/// One document uploaded with `requestHandover`: read, typed by its content and stored,
/// up to `CASELINK_DOCUMENT_MAX_BYTES`. The default ten documents cost 2000, within the
/// limit; one upload mapped into many requests is counted each time.
pub const DOCUMENT: usize = 200;

/// The cost of `requestHandover`: one point, what it selects, and each document.
pub fn documents(count: usize, child_complexity: usize) -> usize {
    count
        .saturating_mul(DOCUMENT)
        .saturating_add(child_complexity)
        .saturating_add(1)
}

/// Parses `CASELINK_MAX_QUERY_COMPLEXITY`, refusing a limit that would shut sign-in out.
pub fn parse_complexity_limit(text: &str) -> Result<usize, String> {
    let limit: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if limit < SMALLEST_LIMIT {
        return Err(format!(
            "at least {SMALLEST_LIMIT}: a password check costs {PASSWORD_CHECK}, and \
             changePassword two, so a lower limit would refuse them every time"
        ));
    }
    Ok(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_too_low_for_changing_a_password_is_refused() {
        assert_eq!(parse_complexity_limit("5000"), Ok(5000));
        assert_eq!(
            parse_complexity_limit(&SMALLEST_LIMIT.to_string()),
            Ok(SMALLEST_LIMIT)
        );
        assert!(parse_complexity_limit("1000").is_err());
        assert!(parse_complexity_limit("many").is_err());
    }

    #[test]
    fn each_document_costs_its_share() {
        assert_eq!(documents(0, 5), 6);
        assert_eq!(documents(10, 5), 2006);
        assert!(documents(30, 5) > 5000);
        assert_eq!(documents(usize::MAX, 5), usize::MAX);
    }
}

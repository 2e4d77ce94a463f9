//! Media types at the GraphQL endpoint, as GraphQL over HTTP asks: which one the answer
//! takes (from `Accept`, q-values respected), whether a browser wants GraphiQL's page,
//! and whether a POST body is one the hub reads (from `Content-Type`).

use axum::http::{header, HeaderMap};

/// The media types the hub answers GraphQL in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseMedia {
    /// `application/graphql-response+json`: the status code tells whether the request
    /// ran (200) or was refused as a whole (4xx, 5xx).
    GraphQLResponse,
    /// `application/json`, the legacy type: 200 for every well-formed request, whatever
    /// its GraphQL errors, as clients written before the spec expect.
    Json,
}

impl ResponseMedia {
    /// The `Content-Type` of an answer in this media type. The spec asks that the
    /// encoding be named.
    pub fn content_type(self) -> &'static str {
        match self {
            ResponseMedia::GraphQLResponse => "application/graphql-response+json; charset=utf-8",
            ResponseMedia::Json => "application/json; charset=utf-8",
        }
    }
}

/// How well a client's `Accept` takes one media type: its q-value in thousandths, how
/// specifically a range named it (2 exact, 1 `type/*`, 0 `*/*`), and where that range
/// stood in the header (earlier wins a tie).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Acceptance {
    quality: u16,
    specificity: u8,
    position: usize,
}

impl Acceptance {
    const REFUSED: Acceptance = Acceptance {
        quality: 0,
        specificity: 0,
        position: usize::MAX,
    };

    fn accepted(self) -> bool {
        self.quality > 0
    }
}

/// One media range of an `Accept` header: `type/subtype` (lower case) and its q-value.
#[derive(Debug)]
struct MediaRange {
    kind: String,
    subtype: String,
    quality: u16,
}

/// The media ranges of every `Accept` header, in order; `None` when the client sent no
/// `Accept` (or only empty ones), which the spec reads as `application/json`. A range
/// that cannot be read (no `/`, a q-value that is not one) is skipped.
fn media_ranges(headers: &HeaderMap) -> Option<Vec<MediaRange>> {
    let mut ranges = Vec::new();
    let mut any_header = false;
    for value in headers.get_all(header::ACCEPT) {
        // A header that is not visible ASCII names nothing the hub serves.
        let Ok(value) = value.to_str() else {
            any_header = true;
            continue;
        };
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim();
            if media.is_empty() {
                continue;
            }
            any_header = true;
            let Some((kind, subtype)) = media.split_once('/') else {
                continue;
            };
            let mut quality = Some(1000);
            for parameter in parts {
                let Some((name, value)) = parameter.split_once('=') else {
                    continue;
                };
                if name.trim().eq_ignore_ascii_case("q") {
                    quality = parse_quality(value.trim());
                }
            }
            let Some(quality) = quality else {
                continue;
            };
            ranges.push(MediaRange {
                kind: kind.trim().to_ascii_lowercase(),
                subtype: subtype.trim().to_ascii_lowercase(),
                quality,
            });
        }
    }
    any_header.then_some(ranges)
}

/// A q-value (`0`, `0.5`, `1.000`) in thousandths, or `None` when it is not one.
fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// How `ranges` accept `kind/subtype`: the most specific range that matches decides its
/// q-value (RFC 9110, 12.5.1), so `application/json;q=0, */*` refuses JSON.
fn acceptance(ranges: &[MediaRange], kind: &str, subtype: &str) -> Acceptance {
    let mut best: Option<Acceptance> = None;
    for (position, range) in ranges.iter().enumerate() {
        let specificity = match (range.kind.as_str(), range.subtype.as_str()) {
            (k, s) if k == kind && s == subtype => 2,
            (k, "*") if k == kind => 1,
            ("*", "*") => 0,
            _ => continue,
        };
        // The first range of the highest specificity counts; later repeats do not.
        if best.is_none_or(|b| specificity > b.specificity) {
            best = Some(Acceptance {
                quality: range.quality,
                specificity,
                position,
            });
        }
    }
    best.unwrap_or(Acceptance::REFUSED)
}

/// Whether the client prefers `a` to `b` outright: a higher q-value, else a type it
/// named over one it reached by a wildcard, else the one it listed first. Equal when
/// both came from the same wildcard.
fn strictly_prefers(a: Acceptance, b: Acceptance) -> bool {
    let rank = |x: Acceptance| (x.quality, x.specificity, std::cmp::Reverse(x.position));
    rank(a) > rank(b)
}

/// The media type to answer in, or `None` when the client accepts neither: the caller
/// answers 406 Not Acceptable and runs nothing.
///
/// No `Accept` is `application/json`. A tie the client did not break by naming a type
/// (`*/*`, `application/*`) goes to `application/json`, which every GraphQL client
/// reads; a tie between types it named goes to the one it listed first.
pub fn response_media(headers: &HeaderMap) -> Option<ResponseMedia> {
    let Some(ranges) = media_ranges(headers) else {
        return Some(ResponseMedia::Json);
    };
    let graphql = acceptance(&ranges, "application", "graphql-response+json");
    let json = acceptance(&ranges, "application", "json");
    match (graphql.accepted(), json.accepted()) {
        (false, false) => None,
        (true, false) => Some(ResponseMedia::GraphQLResponse),
        (false, true) => Some(ResponseMedia::Json),
        (true, true) if strictly_prefers(graphql, json) => Some(ResponseMedia::GraphQLResponse),
        (true, true) => Some(ResponseMedia::Json),
    }
}

/// Whether the client asks for an HTML page before GraphQL's JSON: it names `text/html`
/// and accepts neither JSON type as well (by q-value, then by naming it). A browser's address bar does
/// (`text/html, …, */*;q=0.8`); curl's `*/*`, a GraphQL client's JSON types, and no
/// `Accept` at all do not.
pub fn prefers_html(headers: &HeaderMap) -> bool {
    let Some(ranges) = media_ranges(headers) else {
        return false;
    };
    let html = acceptance(&ranges, "text", "html");
    if html.specificity < 2 || !html.accepted() {
        return false;
    }
    let graphql = acceptance(&ranges, "application", "graphql-response+json");
    let json = acceptance(&ranges, "application", "json");
    [graphql, json]
        .into_iter()
        // Order is no tie-break here: a client that names JSON as high as HTML is a
        // program that wants its query run.
        .all(|other| {
            !other.accepted()
                || (html.quality, html.specificity) > (other.quality, other.specificity)
        })
}

/// The request bodies the hub reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestBody {
    /// `application/json` in UTF-8: the one every GraphQL-over-HTTP server must read.
    Json,
    /// `multipart/form-data`: the GraphQL multipart request, for handovers that carry
    /// documents.
    Multipart,
}

/// The kind of a POST body by its `Content-Type`, or `None` for one the hub does not
/// read (the caller answers 415). A missing `Content-Type` is refused too: the spec
/// asks servers to, so that clients say what they send.
pub fn request_body(headers: &HeaderMap) -> Option<RequestBody> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or_default().trim();
    if media.eq_ignore_ascii_case("multipart/form-data") {
        return Some(RequestBody::Multipart);
    }
    if !media.eq_ignore_ascii_case("application/json") {
        return None;
    }
    // JSON is UTF-8 (RFC 8259); a body declared in another charset would be misread.
    let utf8 = parts.all(|parameter| match parameter.split_once('=') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("charset") => {
            value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        }
        _ => true,
    });
    utf8.then_some(RequestBody::Json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(name: header::HeaderName, values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(name.clone(), HeaderValue::from_str(value).expect("header"));
        }
        headers
    }

    fn media(accept: &[&str]) -> Option<ResponseMedia> {
        response_media(&with(header::ACCEPT, accept))
    }

    #[test]
    fn no_accept_and_wildcards_get_application_json() {
        assert_eq!(media(&[]), Some(ResponseMedia::Json));
        assert_eq!(media(&[""]), Some(ResponseMedia::Json));
        assert_eq!(media(&["*/*"]), Some(ResponseMedia::Json));
        assert_eq!(media(&["application/*"]), Some(ResponseMedia::Json));
        assert_eq!(media(&["application/json"]), Some(ResponseMedia::Json));
    }

    #[test]
    fn the_graphql_response_type_is_served_when_asked_for() {
        use ResponseMedia::*;
        assert_eq!(
            media(&["application/graphql-response+json"]),
            Some(GraphQLResponse)
        );
        assert_eq!(
            media(&["application/graphql-response+json, application/json;q=0.9"]),
            Some(GraphQLResponse)
        );
        assert_eq!(
            media(&["application/graphql-response+json, application/json"]),
            Some(GraphQLResponse)
        );
        assert_eq!(
            media(&["application/json, application/graphql-response+json"]),
            Some(Json)
        );
        assert_eq!(
            media(&["application/graphql-response+json;q=0.5, application/json"]),
            Some(Json)
        );
        assert_eq!(
            media(&["application/graphql-response+json;q=0.5, */*;q=0.1"]),
            Some(GraphQLResponse)
        );
        assert_eq!(
            media(&["Application/GraphQL-Response+JSON; charset=utf-8"]),
            Some(GraphQLResponse)
        );
        assert_eq!(
            media(&["text/html", "application/graphql-response+json"]),
            Some(GraphQLResponse)
        );
    }

    #[test]
    fn the_most_specific_range_decides_and_zero_refuses() {
        use ResponseMedia::*;
        assert_eq!(media(&["application/json;q=0, */*"]), Some(GraphQLResponse));
        assert_eq!(
            media(&["application/json;q=0.5, */*"]),
            Some(GraphQLResponse)
        );
        assert_eq!(
            media(&["application/graphql-response+json, */*"]),
            Some(GraphQLResponse)
        );
        assert_eq!(
            media(&["application/json;q=0, application/graphql-response+json;q=0, */*"]),
            None
        );
        assert_eq!(media(&["text/html"]), None);
        assert_eq!(media(&["application/xml, text/plain;q=0.5"]), None);
        assert_eq!(media(&["*/*;q=0"]), None);
        assert_eq!(media(&["application/graphql+json"]), None);
    }

    #[test]
    fn q_values_are_read_as_the_rfc_writes_them() {
        assert_eq!(parse_quality("1"), Some(1000));
        assert_eq!(parse_quality("1.000"), Some(1000));
        assert_eq!(parse_quality("0.5"), Some(500));
        assert_eq!(parse_quality("0.001"), Some(1));
        assert_eq!(parse_quality("0"), Some(0));
        assert_eq!(parse_quality("1.5"), None);
        assert_eq!(parse_quality("0.0001"), None);
        assert_eq!(parse_quality("abc"), None);
        assert_eq!(parse_quality("-1"), None);
    }

    #[test]
    fn a_browser_gets_html_and_a_program_does_not() {
        let html = |accept: &[&str]| prefers_html(&with(header::ACCEPT, accept));
        assert!(html(&[
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        ]));
        assert!(html(&["text/html"]));
        assert!(!html(&[]));
        assert!(!html(&["*/*"]));
        assert!(!html(&["text/*"]));
        assert!(!html(&["application/json"]));
        assert!(!html(&["application/json, text/html"]));
        assert!(!html(&["text/html, application/json"]));
        assert!(!html(&[
            "text/html;q=0.5, application/graphql-response+json"
        ]));
        assert!(!html(&["text/html;q=0, */*"]));
    }

    #[test]
    fn json_in_utf_8_and_multipart_are_read_and_nothing_else() {
        let body = |value: &[&str]| request_body(&with(header::CONTENT_TYPE, value));
        assert_eq!(body(&["application/json"]), Some(RequestBody::Json));
        assert_eq!(
            body(&["application/json; charset=utf-8"]),
            Some(RequestBody::Json)
        );
        assert_eq!(
            body(&["Application/JSON;charset=\"UTF-8\""]),
            Some(RequestBody::Json)
        );
        assert_eq!(
            body(&["multipart/form-data; boundary=x"]),
            Some(RequestBody::Multipart)
        );
        assert_eq!(body(&[]), None);
        assert_eq!(body(&["application/json; charset=latin1"]), None);
        assert_eq!(body(&["text/plain"]), None);
        assert_eq!(body(&["application/graphql"]), None);
        assert_eq!(body(&["application/x-www-form-urlencoded"]), None);
        assert_eq!(body(&["multipart/mixed; boundary=x"]), None);
    }
}

//! Generated hostile requests against the real server: nesting of every kind in every
//! part of a request (document, variables, extensions), at depths from a few to
//! thousands, mixed with bad strings and broken syntax. The server runs in this test
//! process, so a stack overflow anywhere ends the whole test run; otherwise each answer
//! must be a GraphQL error with a code, and the server must still answer afterwards.
//!
//! Bounded in time: it stops after `CASES` requests or `BUDGET`, whichever comes first.
//! The seed is printed, and `CASELINK_FUZZ_SEED=<seed>` replays a run.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

use crate::harness::spawn_app;

const CASES: usize = 400;
const BUDGET: Duration = Duration::from_secs(30);

/// Levels that nest value literals: lists and input objects, as in argument values and
/// variables' default values.
fn value_level() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![
        Just(("[", "]")),
        Just(("{a: ", "}")),
        Just(("\"[\" [", "]"))
    ]
}

/// Levels of any kind, for documents that nest selections, arguments and fragments too.
fn any_level() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![
        value_level(),
        Just(("(x: ", ")")),
        Just(("{ f ", "}")),
        Just(("@include(if: ", ")")),
        Just(("... on Query { ", "}")),
    ]
}

/// A repeating pattern of levels: mostly one kind alone (the deepest a parser lets
/// through), sometimes a mix.
fn level_pattern() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    prop_oneof![
        4 => proptest::collection::vec(value_level(), 1..2),
        2 => proptest::collection::vec(value_level(), 2..4),
        1 => proptest::collection::vec(any_level(), 1..6),
    ]
}

/// Depths from harmless to far past any limit, most of them where the danger was: deep
/// enough that the parser's own stack guard lets the text through, and the recursion
/// after it (building and walking the document) runs out of stack. In a debug build
/// that window starts near 300 levels; in a release build near 1,500.
fn depth() -> impl Strategy<Value = usize> {
    prop_oneof![
        1 => 0_usize..20,
        1 => 20_usize..100,
        // Spread evenly on a log scale, so that a window of a few dozen levels near 300
        // is hit as often as one of a few hundred near 1,500.
        6 => (200_f64.ln()..2000_f64.ln()).prop_map(|x| x.exp() as usize),
        1 => 2000_usize..4000,
    ]
}

/// Depths of variables and extensions: mostly within what the body parser reads, so
/// that the document behind them is parsed too; sometimes far past it.
fn json_depth() -> impl Strategy<Value = usize> {
    prop_oneof![8 => 0_usize..40, 1 => 40_usize..300]
}

/// Strings an attacker would try.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\u{0}".to_owned()),
        Just("a\u{0}@x.ru".to_owned()),
        Just("\u{1b}[2J".to_owned()),
        Just("%_\\".repeat(1000)),
        "[а-яa-z0-9 ]{0,40}",
        (1_usize..200_000).prop_map(|n| "я".repeat(n)),
    ]
}

/// Where the nesting goes in the document: mostly in value literals, where the parser
/// had no limit of its own.
fn document_shape() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 0_usize..4, 1 => 4_usize..6]
}

fn nest(levels: &[(&str, &str)], inner: &str) -> String {
    let mut text = String::new();
    for (open, _) in levels {
        text.push_str(open);
    }
    text.push_str(inner);
    for (_, close) in levels.iter().rev() {
        text.push_str(close);
    }
    text
}

/// A document with `levels` of nesting placed by `shape`, around a hostile string.
fn document(shape: usize, levels: &[(&str, &str)], text: &str) -> String {
    let literal = serde_json::to_string(text).unwrap_or_default();
    let nested = nest(levels, &literal);
    match shape {
        0 => format!("{{ __typename @include(if: {nested}) }}"),
        1 => format!("{{ agencies(filter: {{nameContains: {nested}}}) {{ edges {{ cursor }} }} }}"),
        2 => format!("query Q($v: [String] = {nested}) {{ __typename }}"),
        3 => format!("mutation {{ login(email: {nested}, password: {literal}) {{ token }} }}"),
        4 => format!("{{ {nested} }}"),
        // Cut short: unbalanced text must still be refused, not crash.
        _ => nested.chars().take(nested.chars().count() / 2).collect(),
    }
}

/// A JSON value nested `depth` deep around `text`.
fn json_nested(depth: usize, text: &str) -> Value {
    let mut value = json!(text);
    for level in 0..depth {
        value = match level % 2 {
            0 => json!([value]),
            _ => json!({ "k": value }),
        };
    }
    value
}

/// A whole request body: a generated document, variables and extensions.
fn request() -> impl Strategy<Value = Value> {
    (
        document_shape(),
        level_pattern(),
        depth(),
        hostile_string(),
        json_depth(),
        json_depth(),
    )
        .prop_map(
            |(shape, pattern, depth, text, variables_depth, extensions_depth)| {
                // The pattern of levels repeats to the chosen depth.
                let levels: Vec<(&str, &str)> =
                    pattern.iter().cycle().take(depth).copied().collect();
                json!({
                    "query": document(shape, &levels, &text),
                    "variables": { "v": json_nested(variables_depth, &text) },
                    "extensions": { "e": json_nested(extensions_depth, "x") },
                })
            },
        )
}

fn seed() -> u64 {
    std::env::var("CASELINK_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand_seed)
}

fn rand_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(1)
}

#[tokio::test]
async fn generated_nested_and_hostile_requests_never_stop_the_server() {
    let app = spawn_app().await;
    let seed = seed();
    println!("hostile request generator: CASELINK_FUZZ_SEED={seed}");
    let mut seed_bytes = [0_u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = request();
    let started = Instant::now();
    let mut sent = 0;
    while sent < CASES && started.elapsed() < BUDGET {
        let body = match strategy.new_tree(&mut runner) {
            Ok(tree) => tree.current(),
            Err(reason) => panic!("generator failed: {reason}"),
        };
        let response = app
            .http()
            .post(format!("{}/graphql", app.address))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: no answer ({e}) to {body}"));
        let status = response.status().as_u16();
        assert!(
            matches!(status, 200 | 400 | 413),
            "seed {seed}: status {status}"
        );
        sent += 1;
        if status == 413 {
            // Refused by length before it is read: a plain-text answer.
            continue;
        }
        let answer: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("seed {seed}: not JSON ({e})"));
        if let Some(errors) = answer["errors"].as_array() {
            for error in errors {
                assert!(
                    error["extensions"]["code"].is_string(),
                    "seed {seed}: an error without a code: {error}"
                );
            }
        }
    }
    println!("sent {sent} generated requests in {:?}", started.elapsed());
    assert!(sent >= 50, "only {sent} requests in the time budget");
    let body = app.gql(None, "{ __typename }", json!({})).await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
}

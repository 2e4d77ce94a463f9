//! Every GraphQL example in the docs is a valid operation against the exported schema, so
//! a renamed field or argument cannot leave a stale example behind. Validation only: the
//! examples' ids and passwords are the demo's, not this test's.

use std::path::Path;

use apollo_compiler::{ExecutableDocument, Schema};

/// The `graphql` code blocks of a Markdown file, with the line each starts on.
fn graphql_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (number, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_start()) {
            (None, fence) if fence.starts_with("```graphql") => {
                current = Some((number + 1, String::new()));
            }
            (Some(_), fence) if fence.starts_with("```") => {
                blocks.extend(current.take());
            }
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn every_graphql_example_in_the_docs_validates_against_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sdl = std::fs::read_to_string(root.join("schema.graphql")).expect("schema.graphql");
    let schema = Schema::parse_and_validate(sdl, "schema.graphql").expect("a valid schema");
    let mut files = vec![root.join("README.md")];
    let docs = std::fs::read_dir(root.join("docs")).expect("docs/");
    files.extend(docs.flatten().map(|entry| entry.path()));
    files.retain(|path| path.extension().is_some_and(|e| e == "md"));
    let (mut checked, mut failures) = (0, Vec::new());
    for file in &files {
        let markdown = std::fs::read_to_string(file).expect("read a doc");
        for (line, block) in graphql_blocks(&markdown) {
            let name = format!("{}:{line}", file.display());
            checked += 1;
            if let Err(errors) = ExecutableDocument::parse_and_validate(&schema, block, &name) {
                failures.push(format!("{name}\n{errors}"));
            }
        }
    }
    println!("{checked} GraphQL examples checked");
    assert!(checked > 50, "only {checked} examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

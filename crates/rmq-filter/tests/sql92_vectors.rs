#![allow(clippy::unwrap_used)]
//! Compares rmq-filter with Java's `SelectorParser` and expressions (rocketmq-filter 5.3.3)
//! on vectors produced by `tests/interop/java5/src/main/java/rmq/interop/filter/FilterVectors.java`:
//! for every expression, the same compile error text (the broker's remark), or the same tree
//! (`toString()`) and the same result against every property map (TRUE, FALSE, null, error).
//!
//! * `sql92_vectors.jsonl`: the program's list of expressions (every operator, type mix,
//!   literal form, and error kind);
//! * `sql92_random_vectors.jsonl`: 1200 random selectors (`--random 1200 2`).
//!
//! Regenerate after changing the Java program (after `mvn -f tests/interop/java5 compile`):
//!
//! ```text
//! CP="tests/interop/java5/target/classes:tests/interop/java5/target/lib/*"
//! java -cp "$CP" rmq.interop.filter.FilterVectors > crates/rmq-filter/tests/sql92_vectors.jsonl
//! java -cp "$CP" rmq.interop.filter.FilterVectors --random 1200 2 \
//!     > crates/rmq-filter/tests/sql92_random_vectors.jsonl
//! ```
//!
//! Known difference, not in these files: Java 17's `Double.toString` is not always the
//! shortest text (`1.0E23` prints as `9.999999999999999E22`), so an error text quoting such a
//! literal differs in its digits.

use rmq_filter::{compile, EvaluationError, ExpressionType, FilterError, Value};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Header {
    contexts: Vec<HashMap<String, String>>,
}

#[derive(Deserialize)]
struct Case {
    expr: String,
    tree: Option<String>,
    results: Option<String>,
    error: Option<String>,
}

fn letter(r: Result<Value<'_>, EvaluationError>) -> char {
    match r {
        Ok(Value::Boolean(true)) => 'T',
        Ok(Value::Boolean(false)) => 'F',
        Ok(Value::Null) => 'N',
        Ok(_) => 'O',
        Err(_) => 'E',
    }
}

#[test]
fn java_vectors() {
    check(include_str!("sql92_vectors.jsonl"), 400);
}

#[test]
fn java_random_vectors() {
    check(include_str!("sql92_random_vectors.jsonl"), 1000);
}

fn check(text: &str, min_cases: usize) {
    let mut lines = text.lines();
    let header: Header = serde_json::from_str(lines.next().unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut evaluations = 0;
    for line in lines {
        let case: Case = serde_json::from_str(line).unwrap();
        cases += 1;
        let compiled = compile(ExpressionType::SQL92, &case.expr);
        match (&case.error, compiled) {
            (Some(want), Err(FilterError::InvalidMessageSelector { cause })) => {
                if cause.to_string() != *want {
                    failures.push(format!(
                        "{:?}: error\n  java: {want:?}\n  rust: {:?}",
                        case.expr,
                        cause.to_string()
                    ));
                }
            }
            (Some(want), Ok(e)) => failures.push(format!(
                "{:?}: java fails ({want:?}), rust compiles {e}",
                case.expr
            )),
            (None, Err(e)) => failures.push(format!(
                "{:?}: java compiles {:?}, rust fails {e}",
                case.expr, case.tree
            )),
            (None, Ok(e)) => {
                let tree = e.to_string();
                if Some(&tree) != case.tree.as_ref() {
                    failures.push(format!(
                        "{:?}: tree java {:?} rust {tree:?}",
                        case.expr, case.tree
                    ));
                }
                let got: String = header
                    .contexts
                    .iter()
                    .map(|props| letter(e.evaluate(props)))
                    .collect();
                evaluations += got.len();
                let want = case.results.clone().unwrap_or_default();
                if got != want {
                    let diffs: Vec<String> = want
                        .chars()
                        .zip(got.chars())
                        .enumerate()
                        .filter(|(_, (w, g))| w != g)
                        .map(|(i, (w, g))| format!("{:?} java {w} rust {g}", header.contexts[i]))
                        .collect();
                    failures.push(format!("{:?}: {}", case.expr, diffs.join("; ")));
                }
            }
            (Some(_), Err(e)) => failures.push(format!("{:?}: unexpected {e}", case.expr)),
        }
    }
    assert!(cases >= min_cases, "only {cases} cases");
    assert!(evaluations > 5000, "only {evaluations} evaluations");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases differ from Java:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#![allow(clippy::unwrap_used)]
//! The parser and the evaluator never panic, whatever the input: arbitrary strings, strings
//! built from the selector vocabulary, and deep nestings.

use proptest::prelude::*;
use rmq_filter::{compile, ExpressionType};
use std::collections::HashMap;

fn props() -> HashMap<String, String> {
    [("a", "5"), ("b", "x"), ("TAGS", "TagA"), ("c", "1.5e3")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn vocabulary() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "a",
        "b",
        "TAGS",
        "5",
        "-",
        "+",
        "1.5",
        ".5",
        "1e3",
        "'x'",
        "''",
        "'it''s'",
        "'",
        "TRUE",
        "NULL",
        "NOT",
        "AND",
        "OR",
        "IS",
        "IN",
        "BETWEEN",
        "CONTAINS",
        "STARTSWITH",
        "ENDSWITH",
        "(",
        ")",
        ",",
        "=",
        "<>",
        ">",
        ">=",
        "<",
        "<=",
        "/*",
        "*/",
        "--",
        "\n",
        "\t",
        "\"",
        "é",
        "99999999999999999999",
        "0x1",
        "0.0",
        "1e999",
        "$",
        "_",
        ".",
    ]);
    prop::collection::vec(words, 0..40).prop_map(|w| w.join(" "))
}

fn run(sql: &str) {
    if let Ok(e) = compile(ExpressionType::SQL92, sql) {
        let p = props();
        let _ = e.evaluate(&p);
        let _ = e.matches(&HashMap::<String, String>::new());
        let _ = e.to_string();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_strings_do_not_panic(sql in any::<String>()) {
        run(&sql);
    }

    #[test]
    fn token_soup_does_not_panic(sql in vocabulary()) {
        run(&sql);
    }

    #[test]
    fn nesting_does_not_overflow(depth in 0usize..400, kind in 0usize..4) {
        let sql = match kind {
            0 => format!("{}a = 5{}", "(".repeat(depth), ")".repeat(depth)),
            1 => format!("{}a = 5", "NOT ".repeat(depth)),
            2 => format!("{}5 = a", "+ ".repeat(depth)),
            _ => vec!["a = 5"; depth + 1].join(" AND "),
        };
        // Optimized, the deepest selectors need less than 256 KiB of stack (tokio's workers
        // have 2 MiB); unoptimized frames are about ten times larger.
        let stack = if cfg!(debug_assertions) { 4 << 20 } else { 256 << 10 };
        std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || run(&sql))
            .unwrap()
            .join()
            .unwrap();
    }
}

//! Compiling and evaluating SQL92 selectors: what a broker pays per subscription and per
//! filtered message.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use rmq_filter::{compile, ExpressionType};
use std::collections::HashMap;

const SELECTOR: &str = "a BETWEEN 10 AND 19 AND TAGS = 'TagA' AND (b IS NULL OR b IN ('x', 'y'))";

fn bench(c: &mut Criterion) {
    c.bench_function("compile", |b| {
        b.iter(|| compile(ExpressionType::SQL92, black_box(SELECTOR)).map(|_| ()))
    });
    let expr = compile(ExpressionType::SQL92, SELECTOR).unwrap_or_else(|e| panic!("{e}"));
    let props: HashMap<String, String> = [
        ("a", "12"),
        ("TAGS", "TagA"),
        ("b", "y"),
        ("KEYS", "k1 k2"),
        ("UNIQ_KEY", "7F0000010A4B18B4AAC20B1C3B9E0000"),
        ("WAIT", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    c.bench_function("evaluate_match", |b| {
        b.iter(|| expr.matches(black_box(&props)))
    });
    let mut other = props.clone();
    other.insert("a".into(), "abc".into());
    c.bench_function("evaluate_conversion_error", |b| {
        b.iter(|| expr.matches(black_box(&other)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! The selector parser (Java `org.apache.rocketmq.filter.parser`, generated there by JavaCC
//! from `SelectorParser.jj`; written by hand here).
//!
//! [`SelectorParser::parse`] lexes on demand ([`selector_parser_token_manager`]), parses by
//! recursive descent following the JavaCC grammar production by production, including its
//! `LOOKAHEAD(2)` decisions (`IS NULL` vs `IS NOT NULL`, `NOT CONTAINS` vs a comparison) and
//! the syntactic lookahead of unary `+`, and reports errors with JavaCC's texts: parse errors
//! list the expected tokens as JavaCC computes them ([`parse_exception`]), lexical errors are
//! `TokenMgrError`s, and the expression builders' checks are `RuntimeException`s.

pub mod parse_exception;
pub mod selector_parser;
pub mod selector_parser_token_manager;
pub mod token;

pub use selector_parser::SelectorParser;

//! Tokens and token kinds (Java `Token`, `SelectorParserConstants`). The kind numbers are
//! JavaCC's, since error texts list expected tokens in kind order.

/// End of input.
pub const EOF: u8 = 0;
/// `-- ...` up to a line end.
pub const LINE_COMMENT: u8 = 6;
/// `/* ... */`.
pub const BLOCK_COMMENT: u8 = 7;
/// `NOT`.
pub const NOT: u8 = 8;
/// `AND`.
pub const AND: u8 = 9;
/// `OR`.
pub const OR: u8 = 10;
/// `BETWEEN`.
pub const BETWEEN: u8 = 11;
/// `IN`.
pub const IN: u8 = 12;
/// `TRUE`.
pub const TRUE: u8 = 13;
/// `FALSE`.
pub const FALSE: u8 = 14;
/// `NULL`.
pub const NULL: u8 = 15;
/// `IS`.
pub const IS: u8 = 16;
/// `CONTAINS`.
pub const CONTAINS: u8 = 17;
/// `STARTSWITH`.
pub const STARTSWITH: u8 = 18;
/// `ENDSWITH`.
pub const ENDSWITH: u8 = 19;
/// `0`, or `[1-9][0-9]*` with an optional `l`/`L`.
pub const DECIMAL_LITERAL: u8 = 20;
/// `1.5`, `1.`, `.5`, `1e3`, `1.5E-3`.
pub const FLOATING_POINT_LITERAL: u8 = 21;
/// `'...'` with `''` for a quote.
pub const STRING_LITERAL: u8 = 23;
/// `[A-Za-z_$][A-Za-z0-9_$]*` that is not a keyword.
pub const ID: u8 = 24;
/// `=`.
pub const EQ: u8 = 25;
/// `<>`.
pub const NE: u8 = 26;
/// `>`.
pub const GT: u8 = 27;
/// `>=`.
pub const GE: u8 = 28;
/// `<`.
pub const LT: u8 = 29;
/// `<=`.
pub const LE: u8 = 30;
/// `(`.
pub const LPAREN: u8 = 31;
/// `,`.
pub const COMMA: u8 = 32;
/// `)`.
pub const RPAREN: u8 = 33;
/// `+`.
pub const PLUS: u8 = 34;
/// `-`.
pub const MINUS: u8 = 35;

/// How error texts show each kind (Java `tokenImage`).
pub const TOKEN_IMAGE: [&str; 36] = [
    "<EOF>",
    "\" \"",
    "\"\\t\"",
    "\"\\n\"",
    "\"\\r\"",
    "\"\\f\"",
    "<LINE_COMMENT>",
    "<BLOCK_COMMENT>",
    "\"NOT\"",
    "\"AND\"",
    "\"OR\"",
    "\"BETWEEN\"",
    "\"IN\"",
    "\"TRUE\"",
    "\"FALSE\"",
    "\"NULL\"",
    "\"IS\"",
    "\"CONTAINS\"",
    "\"STARTSWITH\"",
    "\"ENDSWITH\"",
    "<DECIMAL_LITERAL>",
    "<FLOATING_POINT_LITERAL>",
    "<EXPONENT>",
    "<STRING_LITERAL>",
    "<ID>",
    "\"=\"",
    "\"<>\"",
    "\">\"",
    "\">=\"",
    "\"<\"",
    "\"<=\"",
    "\"(\"",
    "\",\"",
    "\")\"",
    "\"+\"",
    "\"-\"",
];

/// The keywords, matched case-insensitively.
pub(crate) const KEYWORDS: [(&str, u8); 12] = [
    ("NOT", NOT),
    ("AND", AND),
    ("OR", OR),
    ("BETWEEN", BETWEEN),
    ("IN", IN),
    ("TRUE", TRUE),
    ("FALSE", FALSE),
    ("NULL", NULL),
    ("IS", IS),
    ("CONTAINS", CONTAINS),
    ("STARTSWITH", STARTSWITH),
    ("ENDSWITH", ENDSWITH),
];

/// A token and where it starts (1-based line and column, counted in UTF-16 units with tabs
/// to the next multiple of 8, as JavaCC's `SimpleCharStream` does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The kind, one of the constants above.
    pub kind: u8,
    /// The text as written (empty for EOF).
    pub image: String,
    /// Line of the first character.
    pub begin_line: i32,
    /// Column of the first character.
    pub begin_column: i32,
}

/// Returns the image of a kind for error texts.
pub fn token_image(kind: u8) -> &'static str {
    TOKEN_IMAGE
        .get(usize::from(kind))
        .copied()
        .unwrap_or("<UNKNOWN>")
}

/// Java `ParseException.add_escapes` / `TokenMgrError.addEscapes`: escapes control and
/// non-ASCII characters of an image for an error text.
pub fn add_escapes(units: impl IntoIterator<Item = u16>) -> String {
    let mut out = String::new();
    for u in units {
        match u {
            0 => {}
            0x08 => out.push_str("\\b"),
            0x09 => out.push_str("\\t"),
            0x0a => out.push_str("\\n"),
            0x0c => out.push_str("\\f"),
            0x0d => out.push_str("\\r"),
            0x22 => out.push_str("\\\""),
            0x27 => out.push_str("\\'"),
            0x5c => out.push_str("\\\\"),
            u if !(0x20..=0x7e).contains(&u) => out.push_str(&format!("\\u{u:04x}")),
            u => out.push(char::from(u as u8)),
        }
    }
    out
}

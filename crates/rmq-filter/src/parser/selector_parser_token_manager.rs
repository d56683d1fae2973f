//! The lexer (Java `SelectorParserTokenManager` with `SimpleCharStream`).
//!
//! Tokens are produced on demand, so a lexical error after the end of the expression the
//! parser needs is never seen (Java ignores trailing input the same way). Blanks are space,
//! tab, line feed, carriage return and form feed; `-- comment` needs a line end and
//! `/* comment */` its closing mark, otherwise `-` is a minus and `/` a lexical error. At each
//! position the longest token wins, a keyword over an identifier of the same text. The input
//! is handled as UTF-16 units, as Java sees it, for positions and error texts.

use super::token::*;
use crate::filter_error::JavaException;

/// Tab stops of `SimpleCharStream`.
const TAB_SIZE: i32 = 8;

/// Splits a selector into tokens.
#[derive(Debug)]
pub struct SelectorParserTokenManager {
    input: Vec<u16>,
    /// Line and column of each unit.
    positions: Vec<(i32, i32)>,
    pos: usize,
}

/// What the longest match at a position is, or how far the failed attempt read.
enum Scan {
    Token(u8, usize),
    /// No token starts here; the attempt read this many units (Java's `curPos`).
    Error(usize),
}

fn is_id_start(u: u16) -> bool {
    u < 0x80 && matches!(u as u8, b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$')
}

fn is_id_part(u: u16) -> bool {
    is_id_start(u) || is_digit(u)
}

fn is_digit(u: u16) -> bool {
    (u16::from(b'0')..=u16::from(b'9')).contains(&u)
}

fn is(u: Option<&u16>, c: u8) -> bool {
    u.is_some_and(|&u| u == u16::from(c))
}

impl SelectorParserTokenManager {
    /// Prepares to lex `sql`.
    pub fn new(sql: &str) -> Self {
        let input: Vec<u16> = sql.encode_utf16().collect();
        let mut positions = Vec::with_capacity(input.len());
        let (mut line, mut column) = (1i32, 0i32);
        let (mut prev_lf, mut prev_cr) = (false, false);
        // Java SimpleCharStream#UpdateLineColumn.
        for &c in &input {
            column += 1;
            if prev_lf {
                prev_lf = false;
                column = 1;
                line += 1;
            } else if prev_cr {
                prev_cr = false;
                if c == u16::from(b'\n') {
                    prev_lf = true;
                } else {
                    column = 1;
                    line += 1;
                }
            }
            match c {
                0x0d => prev_cr = true,
                0x0a => prev_lf = true,
                0x09 => {
                    column -= 1;
                    column += TAB_SIZE - (column % TAB_SIZE);
                }
                _ => {}
            }
            positions.push((line, column));
        }
        SelectorParserTokenManager {
            input,
            positions,
            pos: 0,
        }
    }

    fn position(&self, index: usize) -> (i32, i32) {
        self.positions.get(index).copied().unwrap_or((0, 0))
    }

    fn at(&self, index: usize) -> Option<&u16> {
        self.input.get(index)
    }

    /// Returns the next token; at the end, EOF tokens placed at the last character.
    pub fn next_token(&mut self) -> Result<Token, JavaException> {
        loop {
            let start = self.pos;
            let Some(&c) = self.at(start) else {
                let (begin_line, begin_column) = match self.input.len() {
                    0 => (0, 0),
                    n => self.position(n - 1),
                };
                return Ok(Token {
                    kind: EOF,
                    image: String::new(),
                    begin_line,
                    begin_column,
                });
            };
            if matches!(c, 0x20 | 0x09 | 0x0a | 0x0d | 0x0c) {
                self.pos += 1;
                continue;
            }
            match self.longest_match(start) {
                Scan::Token(kind, end) => {
                    self.pos = end;
                    if kind == LINE_COMMENT || kind == BLOCK_COMMENT {
                        continue;
                    }
                    let (begin_line, begin_column) = self.position(start);
                    let image = String::from_utf16_lossy(self.input.get(start..end).unwrap_or(&[]));
                    return Ok(Token {
                        kind,
                        image,
                        begin_line,
                        begin_column,
                    });
                }
                Scan::Error(read) => return Err(self.lexical_error(start, read)),
            }
        }
    }

    fn longest_match(&self, start: usize) -> Scan {
        let c = match self.at(start) {
            Some(&c) => c,
            None => return Scan::Error(0),
        };
        let next = self.at(start + 1);
        if c >= 0x80 {
            return Scan::Error(1);
        }
        match c as u8 {
            b'=' => Scan::Token(EQ, start + 1),
            b'<' if is(next, b'>') => Scan::Token(NE, start + 2),
            b'<' if is(next, b'=') => Scan::Token(LE, start + 2),
            b'<' => Scan::Token(LT, start + 1),
            b'>' if is(next, b'=') => Scan::Token(GE, start + 2),
            b'>' => Scan::Token(GT, start + 1),
            b'(' => Scan::Token(LPAREN, start + 1),
            b',' => Scan::Token(COMMA, start + 1),
            b')' => Scan::Token(RPAREN, start + 1),
            b'+' => Scan::Token(PLUS, start + 1),
            b'-' => match self.line_comment_end(start) {
                Some(end) => Scan::Token(LINE_COMMENT, end),
                None => Scan::Token(MINUS, start + 1),
            },
            b'/' => self.block_comment(start),
            b'\'' => self.string_literal(start),
            b'0'..=b'9' | b'.' => self.number(start),
            _ if is_id_start(c) => {
                let mut end = start + 1;
                while self.at(end).is_some_and(|&u| is_id_part(u)) {
                    end += 1;
                }
                let text = String::from_utf16_lossy(self.input.get(start..end).unwrap_or(&[]));
                let kind = KEYWORDS
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&text))
                    .map_or(ID, |(_, kind)| *kind);
                Scan::Token(kind, end)
            }
            _ => Scan::Error(1),
        }
    }

    /// `--` up to and including `\n`, `\r` or `\r\n`; `None` without a line end.
    fn line_comment_end(&self, start: usize) -> Option<usize> {
        if !is(self.at(start + 1), b'-') {
            return None;
        }
        let mut i = start + 2;
        loop {
            match self.at(i)? {
                0x0a => return Some(i + 1),
                0x0d => {
                    return Some(if is(self.at(i + 1), b'\n') {
                        i + 2
                    } else {
                        i + 1
                    })
                }
                _ => i += 1,
            }
        }
    }

    fn block_comment(&self, start: usize) -> Scan {
        if !is(self.at(start + 1), b'*') {
            // Java reads the character after the slash before giving up.
            return Scan::Error(if self.at(start + 1).is_some() { 2 } else { 1 });
        }
        let mut i = start + 2;
        while let Some(&u) = self.at(i) {
            if u == u16::from(b'*') && is(self.at(i + 1), b'/') {
                return Scan::Token(BLOCK_COMMENT, i + 2);
            }
            i += 1;
        }
        Scan::Error(self.input.len() - start)
    }

    fn string_literal(&self, start: usize) -> Scan {
        // Every quote reached inside the literal may close it; the longest match is the last
        // such quote before the input ends or a quote that is not doubled.
        let mut i = start + 1;
        let mut last_close = None;
        while let Some(&u) = self.at(i) {
            if u == u16::from(b'\'') {
                last_close = Some(i + 1);
                if is(self.at(i + 1), b'\'') {
                    i += 2;
                    continue;
                }
                break;
            }
            i += 1;
        }
        match last_close {
            Some(end) => Scan::Token(STRING_LITERAL, end),
            None => Scan::Error(self.input.len() - start),
        }
    }

    fn digits_end(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(|&u| is_digit(u)) {
            i += 1;
        }
        i
    }

    /// The end of `[eE][+-]?[0-9]+` at `i`, if there is one.
    fn exponent_end(&self, i: usize) -> Option<usize> {
        if !(is(self.at(i), b'e') || is(self.at(i), b'E')) {
            return None;
        }
        let mut j = i + 1;
        if is(self.at(j), b'+') || is(self.at(j), b'-') {
            j += 1;
        }
        let end = self.digits_end(j);
        (end > j).then_some(end)
    }

    fn number(&self, start: usize) -> Scan {
        if is(self.at(start), b'.') {
            let end = self.digits_end(start + 1);
            if end == start + 1 {
                return Scan::Error(if self.at(start + 1).is_some() { 2 } else { 1 });
            }
            return Scan::Token(
                FLOATING_POINT_LITERAL,
                self.exponent_end(end).unwrap_or(end),
            );
        }
        let digits = self.digits_end(start);
        let decimal = if is(self.at(start), b'0') {
            start + 1
        } else if is(self.at(digits), b'l') || is(self.at(digits), b'L') {
            digits + 1
        } else {
            digits
        };
        let float = if is(self.at(digits), b'.') {
            let frac = self.digits_end(digits + 1);
            Some(self.exponent_end(frac).unwrap_or(frac))
        } else {
            self.exponent_end(digits)
        };
        match float {
            Some(end) if end > decimal => Scan::Token(FLOATING_POINT_LITERAL, end),
            _ => Scan::Token(DECIMAL_LITERAL, decimal),
        }
    }

    /// Java `TokenMgrError.LexicalError` for an attempt at `start` that read `read` units.
    fn lexical_error(&self, start: usize, read: usize) -> JavaException {
        let last = start + read.max(1) - 1;
        let (mut line, mut column) = self.position(last);
        let cur = self.at(last).copied().unwrap_or(0);
        let eof_seen = last + 1 >= self.input.len();
        let after_end = if eof_seen { last + 1 } else { last };
        let after: &[u16] = if read <= 1 {
            &[]
        } else {
            self.input.get(start..after_end).unwrap_or(&[])
        };
        let encountered = if eof_seen {
            if cur == 0x0a || cur == 0x0d {
                line += 1;
                column = 0;
            } else {
                column += 1;
            }
            "<EOF> ".to_string()
        } else {
            format!("\"{}\" ({}), ", add_escapes([cur]), cur)
        };
        JavaException::token_mgr(format!(
            "Lexical error at line {line}, column {column}.  Encountered: {encountered}after : \"{}\"",
            add_escapes(after.iter().copied())
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(u8, String)> {
        let mut tm = SelectorParserTokenManager::new(sql);
        let mut out = Vec::new();
        loop {
            let t = tm.next_token().unwrap();
            if t.kind == EOF {
                return out;
            }
            out.push((t.kind, t.image));
        }
    }

    #[test]
    fn tokens() {
        let k: Vec<u8> = kinds("a<>5 AND b>=1.5e3 or c IN ('x''y') -- c\n/* x */ not")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(
            k,
            vec![
                ID,
                NE,
                DECIMAL_LITERAL,
                AND,
                ID,
                GE,
                FLOATING_POINT_LITERAL,
                OR,
                ID,
                IN,
                LPAREN,
                STRING_LITERAL,
                RPAREN,
                NOT
            ]
        );
        assert_eq!(kinds("5L 0x 1.e2 .5 007")[0].1, "5L");
        assert_eq!(
            kinds("0x")
                .iter()
                .map(|(k, i)| (*k, i.as_str()))
                .collect::<Vec<_>>(),
            vec![(DECIMAL_LITERAL, "0"), (ID, "x")]
        );
        assert_eq!(kinds("1.e2")[0], (FLOATING_POINT_LITERAL, "1.e2".into()));
        assert_eq!(kinds("1e")[0], (DECIMAL_LITERAL, "1".into()));
        // An unterminated comment is a minus sign.
        assert_eq!(kinds("-- x")[0].0, MINUS);
        // "'a''" and "'a''b" close at the first quote pair's first quote.
        let first = |sql: &str| {
            let t = SelectorParserTokenManager::new(sql).next_token().unwrap();
            (t.kind, t.image)
        };
        assert_eq!(first("'a''"), (STRING_LITERAL, "'a'".into()));
        assert_eq!(first("'a''b"), (STRING_LITERAL, "'a'".into()));
        assert_eq!(first("'a'''b"), (STRING_LITERAL, "'a'''".into()));
    }

    #[test]
    fn positions_and_errors() {
        let mut tm = SelectorParserTokenManager::new("a\n\tb");
        tm.next_token().unwrap();
        let b = tm.next_token().unwrap();
        assert_eq!((b.begin_line, b.begin_column), (2, 9));
        let mut tm = SelectorParserTokenManager::new("a = \"x\"");
        tm.next_token().unwrap();
        tm.next_token().unwrap();
        assert_eq!(
            tm.next_token().unwrap_err().to_string(),
            "org.apache.rocketmq.filter.parser.TokenMgrError: Lexical error at line 1, column 5.  Encountered: \"\\\"\" (34), after : \"\""
        );
        let mut tm = SelectorParserTokenManager::new("'abc");
        assert_eq!(
            tm.next_token().unwrap_err().message.unwrap(),
            "Lexical error at line 1, column 5.  Encountered: <EOF> after : \"\\'abc\""
        );
    }
}

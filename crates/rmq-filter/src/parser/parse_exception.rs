//! Lookahead and parse errors (Java `ParseException` and the `jj_2_*`, `jj_3*`,
//! `jj_scan_token`, `generateParseException` parts of the generated `SelectorParser`).
//!
//! A `LOOKAHEAD` decision scans tokens with a recognizer of the grammar without building
//! anything; each decision is remembered with where it started and how far it read. When a
//! parse fails, the expected tokens are (1) the kind a failed `consume` wanted, (2) the tokens
//! of every choice point visited since the last consumed token, in kind order, and (3) token
//! sequences found by re-running the remembered lookaheads that read past the last consumed
//! token, appended with JavaCC's duplicate test (which only compares against entries of the
//! same length as the last one). The text is then JavaCC's:
//!
//! ```text
//! Encountered " <ID> "b "" at line 1, column 5.
//! Was expecting one of:
//!     "AND" ...
//!     <EOF>
//! ```

use super::selector_parser::{
    stack_overflow, LookaheadCall, SelectorParser, LA1_TOKENS, MAX_NESTING,
};
use super::token::*;
use crate::filter_error::JavaException;

/// How a scan ends early.
pub(super) enum ScanExit {
    /// The lookahead read as many tokens as it may and all matched (Java `LookaheadSuccess`).
    Success,
    /// A lexical error while reading ahead.
    Fatal(JavaException),
}

/// `Ok(true)` when the scanned production does not match (JavaCC's convention).
type Scan = Result<bool, ScanExit>;

type Scanner = fn(&mut SelectorParser) -> Scan;

impl SelectorParser {
    /// Java `jj_2_<index+1>(xla)`: true when the lookahead production matches.
    pub(super) fn jj_2(&mut self, index: usize, xla: i32) -> Result<bool, JavaException> {
        self.la = xla;
        self.scanpos = self.token;
        self.lastpos = self.token;
        let r = self.jj_3(index);
        self.save(index, xla);
        match r {
            Ok(failed) => Ok(!failed),
            Err(ScanExit::Success) => Ok(true),
            Err(ScanExit::Fatal(e)) => Err(e),
        }
    }

    /// Java `jj_save`: remembers the call in the first slot no longer needed.
    fn save(&mut self, index: usize, xla: i32) {
        let gen = self.gen;
        let call = LookaheadCall {
            gen: gen.wrapping_add(xla).wrapping_sub(self.la),
            first: self.token,
            arg: xla,
        };
        let Some(calls) = self.calls.get_mut(index) else {
            return;
        };
        match calls.iter_mut().find(|c| c.gen <= gen) {
            Some(slot) => *slot = call,
            None => calls.push(call),
        }
    }

    fn jj_3(&mut self, index: usize) -> Scan {
        match index {
            0 => self.scan_is_null(),
            1 => self.scan_not_string_op(CONTAINS),
            2 => self.scan_not_string_op(STARTSWITH),
            3 => self.scan_not_string_op(ENDSWITH),
            4 => self.scan_not_between(),
            5 => self.scan_not_in(),
            _ => self.scan_plus_unary(),
        }
    }

    /// Java `jj_scan_token`.
    fn scan_token(&mut self, kind: u8) -> Scan {
        if self.scanpos == self.lastpos {
            self.la = self.la.wrapping_sub(1);
            self.ensure_token(self.scanpos + 1)
                .map_err(ScanExit::Fatal)?;
            self.scanpos += 1;
            self.lastpos = self.scanpos;
        } else {
            self.scanpos += 1;
        }
        if self.rescan && self.scanpos >= self.token {
            self.add_error_token(kind, self.scanpos - self.token);
        }
        if self.kind_at(self.scanpos) != kind {
            return Ok(true);
        }
        if self.la == 0 && self.scanpos == self.lastpos {
            return Err(ScanExit::Success);
        }
        Ok(false)
    }

    /// Tries the alternatives in order, rewinding between them.
    fn scan_choice(&mut self, alternatives: &[Scanner]) -> Scan {
        let xsp = self.scanpos;
        for (i, alternative) in alternatives.iter().enumerate() {
            if i > 0 {
                self.scanpos = xsp;
            }
            if !alternative(self)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Repeats a production while it matches, rewinding the failed attempt.
    fn scan_repeat(&mut self, production: Scanner) -> Scan {
        loop {
            let xsp = self.scanpos;
            if production(self)? {
                self.scanpos = xsp;
                return Ok(false);
            }
        }
    }

    fn scan_string(&mut self) -> Scan {
        self.scan_token(STRING_LITERAL)
    }

    /// `IS NULL`.
    fn scan_is_null(&mut self) -> Scan {
        Ok(self.scan_token(IS)? || self.scan_token(NULL)?)
    }

    /// `NOT CONTAINS|STARTSWITH|ENDSWITH STRING`.
    fn scan_not_string_op(&mut self, op: u8) -> Scan {
        Ok(self.scan_token(NOT)? || self.scan_token(op)? || self.scan_string()?)
    }

    /// `NOT BETWEEN unary AND unary`.
    fn scan_not_between(&mut self) -> Scan {
        Ok(self.scan_token(NOT)? || self.scan_between()?)
    }

    fn scan_between(&mut self) -> Scan {
        Ok(self.scan_token(BETWEEN)?
            || self.scan_unary()?
            || self.scan_token(AND)?
            || self.scan_unary()?)
    }

    /// `NOT IN ( STRING (, STRING)* )`.
    fn scan_not_in(&mut self) -> Scan {
        Ok(self.scan_token(NOT)? || self.scan_in()?)
    }

    fn scan_in(&mut self) -> Scan {
        Ok(self.scan_token(IN)?
            || self.scan_token(LPAREN)?
            || self.scan_string()?
            || self.scan_repeat(|p| Ok(p.scan_token(COMMA)? || p.scan_string()?))?
            || self.scan_token(RPAREN)?)
    }

    /// `"+" unary`.
    fn scan_plus_unary(&mut self) -> Scan {
        Ok(self.scan_token(PLUS)? || self.scan_unary()?)
    }

    fn scan_unary(&mut self) -> Scan {
        if self.scan_nesting >= MAX_NESTING {
            return Err(ScanExit::Fatal(stack_overflow()));
        }
        self.scan_nesting += 1;
        let r = self.scan_choice(&[
            |p| p.scan_plus_unary(),
            |p| Ok(p.scan_token(MINUS)? || p.scan_unary()?),
            |p| Ok(p.scan_token(NOT)? || p.scan_unary()?),
            |p| p.scan_primary(),
        ]);
        self.scan_nesting -= 1;
        r
    }

    fn scan_primary(&mut self) -> Scan {
        self.scan_choice(&[
            |p| {
                p.scan_choice(&[
                    |p| p.scan_string(),
                    |p| p.scan_token(DECIMAL_LITERAL),
                    |p| p.scan_token(FLOATING_POINT_LITERAL),
                    |p| p.scan_token(TRUE),
                    |p| p.scan_token(FALSE),
                    |p| p.scan_token(NULL),
                ])
            },
            |p| p.scan_token(ID),
            |p| Ok(p.scan_token(LPAREN)? || p.scan_or()? || p.scan_token(RPAREN)?),
        ])
    }

    fn scan_or(&mut self) -> Scan {
        Ok(self.scan_and()? || self.scan_repeat(|p| Ok(p.scan_token(OR)? || p.scan_and()?))?)
    }

    fn scan_and(&mut self) -> Scan {
        Ok(self.scan_equality()?
            || self.scan_repeat(|p| Ok(p.scan_token(AND)? || p.scan_equality()?))?)
    }

    fn scan_equality(&mut self) -> Scan {
        Ok(self.scan_comparison()?
            || self.scan_repeat(|p| {
                p.scan_choice(&[
                    |p| Ok(p.scan_token(EQ)? || p.scan_comparison()?),
                    |p| Ok(p.scan_token(NE)? || p.scan_comparison()?),
                    |p| p.scan_is_null(),
                    |p| Ok(p.scan_token(IS)? || p.scan_token(NOT)? || p.scan_token(NULL)?),
                ])
            })?)
    }

    fn scan_comparison(&mut self) -> Scan {
        Ok(self.scan_unary()?
            || self.scan_repeat(|p| {
                p.scan_choice(&[
                    |p| Ok(p.scan_token(GT)? || p.scan_unary()?),
                    |p| Ok(p.scan_token(GE)? || p.scan_unary()?),
                    |p| Ok(p.scan_token(LT)? || p.scan_unary()?),
                    |p| Ok(p.scan_token(LE)? || p.scan_unary()?),
                    |p| Ok(p.scan_token(CONTAINS)? || p.scan_string()?),
                    |p| p.scan_not_string_op(CONTAINS),
                    |p| Ok(p.scan_token(STARTSWITH)? || p.scan_string()?),
                    |p| p.scan_not_string_op(STARTSWITH),
                    |p| Ok(p.scan_token(ENDSWITH)? || p.scan_string()?),
                    |p| p.scan_not_string_op(ENDSWITH),
                    |p| p.scan_between(),
                    |p| p.scan_not_between(),
                    |p| p.scan_in(),
                    |p| p.scan_not_in(),
                ])
            })?)
    }

    /// Java `generateParseException`.
    pub(super) fn generate_parse_exception(&mut self) -> JavaException {
        self.expentries.clear();
        let mut expected = [false; 36];
        if let Ok(k) = usize::try_from(self.kind) {
            if let Some(e) = expected.get_mut(k) {
                *e = true;
            }
            self.kind = -1;
        }
        for (i, tokens) in LA1_TOKENS.iter().enumerate() {
            if self.la1.get(i) == Some(&self.gen) {
                for &k in *tokens {
                    if let Some(e) = expected.get_mut(usize::from(k)) {
                        *e = true;
                    }
                }
            }
        }
        for (k, _) in expected.iter().enumerate().filter(|(_, e)| **e) {
            self.expentries.push(vec![k as u8]);
        }
        self.endpos = 0;
        self.rescan_token();
        self.add_error_token(0, 0);
        JavaException::parse(self.parse_exception_message())
    }

    /// Java `jj_rescan_token`: re-runs the lookaheads that read past the last consumed token,
    /// recording what they scanned there.
    fn rescan_token(&mut self) {
        self.rescan = true;
        for index in 0..self.calls.len() {
            let calls = self.calls.get(index).cloned().unwrap_or_default();
            for call in calls {
                if call.gen > self.gen {
                    self.la = call.arg;
                    self.scanpos = call.first;
                    self.lastpos = call.first;
                    self.scan_nesting = 0;
                    if matches!(self.jj_3(index), Err(ScanExit::Success)) {
                        break;
                    }
                }
            }
        }
        self.rescan = false;
    }

    /// Java `jj_add_error_token`: extends the current sequence, or ends it and starts anew.
    fn add_error_token(&mut self, kind: u8, pos: usize) {
        if pos >= self.lasttokens.len() {
            return;
        }
        if pos == self.endpos + 1 {
            if let Some(slot) = self.lasttokens.get_mut(self.endpos) {
                *slot = kind;
            }
            self.endpos += 1;
        } else if self.endpos != 0 {
            let entry: Vec<u8> = self.lasttokens.get(..self.endpos).unwrap_or(&[]).to_vec();
            // JavaCC's test: the verdict of the last entry compared, where entries of another
            // length count as "exists".
            let mut exists = false;
            for old in &self.expentries {
                exists = true;
                if old.len() == entry.len() {
                    if *old == entry {
                        break;
                    }
                    exists = false;
                }
            }
            if !exists {
                self.expentries.push(entry);
            }
            if pos != 0 {
                self.endpos = pos;
                if let Some(slot) = self.lasttokens.get_mut(pos - 1) {
                    *slot = kind;
                }
            }
        }
    }

    /// Java `ParseException.initialise`.
    fn parse_exception_message(&self) -> String {
        let mut expected = String::new();
        let mut max_size = 0;
        for entry in &self.expentries {
            max_size = max_size.max(entry.len());
            for &k in entry {
                expected.push_str(token_image(k));
                expected.push(' ');
            }
            if entry.last() != Some(&EOF) {
                expected.push_str("...");
            }
            expected.push_str("\n    ");
        }
        let mut message = String::from("Encountered \"");
        for i in 0..max_size {
            let Some(t) = self.token_at(self.token + 1 + i) else {
                break;
            };
            if i != 0 {
                message.push(' ');
            }
            if t.kind == EOF {
                message.push_str(token_image(EOF));
                break;
            }
            message.push(' ');
            message.push_str(token_image(t.kind));
            message.push_str(" \"");
            message.push_str(&add_escapes(t.image.encode_utf16()));
            message.push_str(" \"");
        }
        let (line, column) = self
            .token_at(self.token + 1)
            .map_or((0, 0), |t| (t.begin_line, t.begin_column));
        message.push_str(&format!("\" at line {line}, column {column}.\n"));
        message.push_str(if self.expentries.len() == 1 {
            "Was expecting:\n    "
        } else {
            "Was expecting one of:\n    "
        });
        message.push_str(&expected);
        message
    }
}

//! Sender language carried in every frame (Java `LanguageCode`).

use std::fmt;

/// A sender's language; unknown bytes and names are kept as `OTHER`'s neighbours would be in
/// Java (it decodes them to null): we decode them and re-encode the same byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LanguageCode(pub u8);

impl LanguageCode {
    pub const JAVA: LanguageCode = LanguageCode(0);
    pub const CPP: LanguageCode = LanguageCode(1);
    pub const DOTNET: LanguageCode = LanguageCode(2);
    pub const PYTHON: LanguageCode = LanguageCode(3);
    pub const DELPHI: LanguageCode = LanguageCode(4);
    pub const ERLANG: LanguageCode = LanguageCode(5);
    pub const RUBY: LanguageCode = LanguageCode(6);
    pub const OTHER: LanguageCode = LanguageCode(7);
    pub const HTTP: LanguageCode = LanguageCode(8);
    pub const GO: LanguageCode = LanguageCode(9);
    pub const PHP: LanguageCode = LanguageCode(10);
    pub const OMS: LanguageCode = LanguageCode(11);
    pub const RUST: LanguageCode = LanguageCode(12);
    pub const NODE_JS: LanguageCode = LanguageCode(13);

    const NAMES: [&'static str; 14] = [
        "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO",
        "PHP", "OMS", "RUST", "NODE_JS",
    ];

    /// Returns Java's enum name; unknown codes are named `OTHER`.
    pub fn name(self) -> &'static str {
        Self::NAMES.get(self.0 as usize).copied().unwrap_or("OTHER")
    }

    /// Parses Java's enum name in any case (as fastjson matches it); unknown names give `OTHER`.
    pub fn from_name_ignore_case(name: &str) -> LanguageCode {
        Self::NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name))
            .map(|p| LanguageCode(p as u8))
            .unwrap_or(LanguageCode::OTHER)
    }

    /// Returns the code of an exact (upper-case) name, OTHER for an unknown one.
    pub fn from_name(name: &str) -> LanguageCode {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|p| LanguageCode(p as u8))
            .unwrap_or(LanguageCode::OTHER)
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(LanguageCode::RUST.name(), "RUST");
        assert_eq!(LanguageCode::from_name("NODE_JS"), LanguageCode(13));
        assert_eq!(LanguageCode::from_name("COBOL"), LanguageCode::OTHER);
        assert_eq!(LanguageCode(99).name(), "OTHER");
    }
}

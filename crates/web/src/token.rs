//! The secret that guards the UI when it listens beyond loopback: given by
//! the user or drawn from the operating system's generator. The page sends
//! it in a header (`Authorization: Bearer ...`), never in a cookie, so a
//! page of another site cannot make the browser send it along.

use std::fmt;

use crate::error::WebError;

/// Shorter would be guessable by a patient client on the network.
const MIN_LEN: usize = 16;
const MAX_LEN: usize = 256;

/// A token; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A token the user chose: 16 to 256 characters of those that go into
    /// a URL fragment and a header unescaped (letters, digits, `-_.~`).
    pub fn new(text: &str) -> Result<Token, WebError> {
        let len = text.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&len) {
            return Err(WebError::BadToken(format!(
                "a token needs {MIN_LEN} to {MAX_LEN} characters, this one has {len} (or use `auto`)"
            )));
        }
        if let Some(c) = text.chars().find(|&c| !allowed(c)) {
            return Err(WebError::BadToken(format!(
                "{c:?} cannot be in a token: use letters, digits and `-_.~` (or `auto`)"
            )));
        }
        Ok(Token(text.to_owned()))
    }

    /// 256 random bits as hex, from the operating system.
    pub fn generate() -> Result<Token, WebError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| WebError::Random(e.to_string()))?;
        Ok(Token(bytes.iter().map(|b| format!("{b:02x}")).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `offered` is this token, in a time that does not depend on
    /// where the two differ (a timing probe learns nothing but the length).
    pub(crate) fn matches(&self, offered: &[u8]) -> bool {
        let ours = self.0.as_bytes();
        ours.len() == offered.len()
            && ours
                .iter()
                .zip(offered)
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(hidden)")
    }
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_hex_and_differ() {
        let (a, b) = (Token::generate().unwrap(), Token::generate().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 64);
        assert!(a.as_str().chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(format!("{a:?}"), "Token(hidden)");
    }

    #[test]
    fn a_chosen_token_must_be_long_and_plain() {
        assert!(Token::new("correct-horse-battery").is_ok());
        let short = Token::new("secret").unwrap_err().to_string();
        assert!(
            short.contains("16 to 256 characters, this one has 6"),
            "{short}"
        );
        let odd = Token::new("correct horse battery").unwrap_err().to_string();
        assert!(odd.contains("' ' cannot be in a token"), "{odd}");
    }

    #[test]
    fn only_the_same_token_matches() {
        let t = Token::new("correct-horse-battery").unwrap();
        assert!(t.matches(b"correct-horse-battery"));
        assert!(!t.matches(b"correct-horse-batterz"));
        assert!(!t.matches(b"correct-horse-battery!"));
        assert!(!t.matches(b""));
    }
}

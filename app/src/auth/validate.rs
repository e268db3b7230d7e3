//! Validated sign-up and sign-in input. Shared with the browser so forms can check early;
//! the server always checks again.

use crate::error::AppError;

use crate::domain::accounts::{EMAIL_MAX_CHARS, NAME_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// An email address, trimmed and lower-cased so that one person has one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, AppError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(AppError::invalid("email", "Enter your email address."));
        }
        if email.chars().count() > EMAIL_MAX_CHARS {
            return Err(AppError::invalid("email", "That email address is too long."));
        }
        let valid = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                    && !domain.contains('@')
            }
            None => false,
        };
        if !valid {
            return Err(AppError::invalid("email", "Enter an email address like name@example.com."));
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, not empty, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, AppError> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(AppError::invalid("display_name", "Enter your name."));
        }
        if name.chars().count() > NAME_MAX_CHARS {
            return Err(AppError::invalid("display_name", format!("Names can be at most {NAME_MAX_CHARS} characters.")));
        }
        if name.chars().any(|c| c.is_control()) {
            return Err(AppError::invalid("display_name", "Names cannot contain control characters."));
        }
        Ok(DisplayName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: of a sensible length and, on the server, not one that is common or easy to
/// guess (zxcvbn: its lists of common passwords, words, names and patterns, plus the account's
/// own email and name). No composition rules (ASVS 2.1.9).
pub struct NewPassword(String);

impl NewPassword {
    /// Checks a password for an account with these details (email, name).
    pub fn parse_for(raw: &str, account: &[&str]) -> Result<NewPassword, AppError> {
        let password = NewPassword::parse(raw)?;
        #[cfg(feature = "ssr")]
        {
            // 10^8 guesses or fewer ("Two" and below): found quickly by an offline attack.
            let estimate = zxcvbn::zxcvbn(raw, account);
            if (estimate.score() as u8) < 3 {
                return Err(AppError::invalid(
                    "password",
                    "This password is too easy to guess: it is common, or close to a common word, name or pattern (or to your email). A few unrelated words make a strong one.",
                ));
            }
        }
        #[cfg(not(feature = "ssr"))]
        let _ = account;
        Ok(password)
    }

    /// Checks the length only (the guessability check needs the server).
    pub fn parse(raw: &str) -> Result<NewPassword, AppError> {
        let length = raw.chars().count();
        if length < PASSWORD_MIN_CHARS {
            return Err(AppError::invalid("password", format!("Use at least {PASSWORD_MIN_CHARS} characters for your password.")));
        }
        if length > PASSWORD_MAX_CHARS {
            return Err(AppError::invalid("password", format!("Passwords can be at most {PASSWORD_MAX_CHARS} characters.")));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("  Ana@Example.COM ").unwrap().as_str(), "ana@example.com");
        for bad in ["", "ana", "ana@", "@example.com", "ana@example", "a b@example.com", "ana@.com", "a@b@c.com"] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn errors_name_the_field() {
        let error = Email::parse("nope").expect_err("not an address");
        assert_eq!(error.invalid_field(), Some("email"), "{error:?}");
    }

    #[test]
    fn passwords_have_length_bounds() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse(&"x".repeat(129)).is_err());
        assert!(NewPassword::parse("correct horse battery").is_ok());
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn common_and_personal_passwords_are_refused() {
        for weak in ["password1234", "qwertyuiop123", "123456789012", "iloveyou2024!"] {
            assert!(NewPassword::parse_for(weak, &[]).is_err(), "{weak}");
        }
        assert!(
            NewPassword::parse_for("dana.smith@example.com", &["dana.smith@example.com", "Dana Smith"]).is_err(),
            "the account's own email"
        );
        for strong in ["a long enough password", "violet tractor spoon harbour", "rapport-demo-password"] {
            assert!(NewPassword::parse_for(strong, &["someone@example.com"]).is_ok(), "{strong}");
        }
    }

    #[test]
    fn display_names_collapse_whitespace() {
        assert_eq!(DisplayName::parse("  Ana   Silva ").unwrap().as_str(), "Ana Silva");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse("a\u{7}b").is_err());
    }
}

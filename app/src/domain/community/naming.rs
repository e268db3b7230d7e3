//! How a customer is named in public, exactly as they consented.

/// The naming choices a customer can consent to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    FullName,
    FirstNameInitial,
    Anonymous,
}

impl Naming {
    pub fn parse(value: &str) -> Option<Naming> {
        match value {
            "full_name" => Some(Naming::FullName),
            "first_name_initial" => Some(Naming::FirstNameInitial),
            "anonymous" => Some(Naming::Anonymous),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Naming::FullName => "full_name",
            Naming::FirstNameInitial => "first_name_initial",
            Naming::Anonymous => "anonymous",
        }
    }

    /// Applies the naming to a customer's name. Unknown or empty names fall back to anonymous,
    /// so a data problem can never reveal more than was consented.
    pub fn apply(self, name: &str) -> String {
        let mut words = name.split_whitespace();
        let first = words.next();
        match (self, first) {
            (Naming::FullName, Some(_)) => name.split_whitespace().collect::<Vec<_>>().join(" "),
            (Naming::FirstNameInitial, Some(first)) => match words.last().and_then(|w| w.chars().next()) {
                Some(initial) => format!("{first} {}.", initial.to_uppercase()),
                None => first.to_string(),
            },
            _ => "A Rapport customer".to_string(),
        }
    }
}

/// How a customer appears in public under a stored naming choice; an unknown choice names
/// nobody (anonymous), so a data problem never reveals more than was consented.
pub fn public_name(naming: &str, customer_name: &str) -> String {
    Naming::parse(naming).unwrap_or(Naming::Anonymous).apply(customer_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_name_and_initial_uses_the_last_name() {
        assert_eq!(Naming::FirstNameInitial.apply("Maria  de la Cruz"), "Maria C.");
        assert_eq!(Naming::FirstNameInitial.apply("Cher"), "Cher");
    }

    #[test]
    fn anonymous_and_empty_names_reveal_nothing() {
        assert_eq!(Naming::Anonymous.apply("Maria Lopez"), "A Rapport customer");
        assert_eq!(Naming::FullName.apply("   "), "A Rapport customer");
    }

    #[test]
    fn full_name_is_normalised() {
        assert_eq!(Naming::FullName.apply(" Maria   Lopez "), "Maria Lopez");
        assert_eq!(Naming::parse("first_name_initial"), Some(Naming::FirstNameInitial));
        assert_eq!(Naming::parse("nickname"), None);
    }
}

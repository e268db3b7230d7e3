//! Enums whose values are stored, sent and written in addresses as fixed words.

/// Declares an enum whose values travel as fixed words (`Inbound = "inbound"`): serde uses the
/// words, `ALL` lists the values, `key()` and `parse()` go between value and word, and
/// `TryFrom<String>` lets rows decode into it (`#[sqlx(try_from = "String")]`), so a word
/// that is not one of them fails where it is read instead of travelling on as text.
macro_rules! keyed_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $key:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$variant_meta])* #[serde(rename = $key)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The words, in the order of `ALL`.
            pub const KEYS: &'static [&'static str] = &[$($key),+];

            pub const fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)+
                }
            }

            pub fn parse(key: &str) -> Option<$name> {
                match key {
                    $($key => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The words, as a refusal lists them ("email, chat, …").
            pub fn keys() -> String {
                $name::KEYS.join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.key())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(key: String) -> Result<Self, String> {
                $name::parse(&key).ok_or_else(|| format!("`{key}` is not one of: {}", $name::keys()))
            }
        }
    };
}

pub(crate) use keyed_enum;

#[cfg(test)]
mod tests {
    keyed_enum! {
        /// A test enum.
        pub enum Light {
            Red = "red",
            Green = "green",
        }
    }

    #[test]
    fn words_go_both_ways_and_unknown_words_are_refused() {
        for light in Light::ALL {
            assert_eq!(Light::parse(light.key()), Some(*light));
            assert_eq!(serde_json::to_value(light).unwrap(), serde_json::Value::from(light.key()));
        }
        assert_eq!(Light::parse("Red"), None, "words are exact");
        assert_eq!(Light::try_from("blue".to_string()), Err("`blue` is not one of: red, green".to_string()));
        assert_eq!(Light::Green.to_string(), "green");
        assert!(serde_json::from_str::<Light>("\"amber\"").is_err());
    }
}

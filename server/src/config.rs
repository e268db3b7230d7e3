//! Configuration: defaults, then an optional TOML file, then `RAPPORT_*` environment variables.
//!
//! The three are layered by `figment` into one struct, [`Settings`] (each key written once,
//! with its default), which is then checked once into [`Config`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use app::emotion::risk::RiskConfig;
use app::emotion::state::StateConfig;
use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};

/// Every key of the TOML file, with its default. Each key but the tables (`[risk]`,
/// `[emotional_state]`: file only) is also read from its environment variable, [`env_name`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Settings {
    /// Default: `sqlite://<data_dir>/rapport.db`.
    database_url: Option<String>,
    bind: String,
    data_dir: PathBuf,
    session_secret: Option<String>,
    /// `RAPPORT_LOG` in the environment.
    log_level: String,
    db_pool_size: u32,
    secure_cookies: bool,
    session_days: i64,
    session_idle_minutes: i64,
    sign_in_per_ip_per_minute: u32,
    sign_in_per_account_per_minute: u32,
    /// Forum posts (threads and replies) one account may write per minute.
    posts_per_minute: u32,
    api_requests_per_minute: u32,
    hold_first_posts: u32,
    /// Seconds a server-rendered page may take before it is cut off (and logged).
    page_deadline_seconds: u64,
    /// Pages in memory at once; one more is refused at once with a 503 (`page_admission`).
    max_pages_in_flight: usize,
    /// Reverse proxies (IP addresses) whose `X-Forwarded-For` header names the client; a TOML
    /// array in the file, comma-separated in the environment.
    trusted_proxies: Vec<String>,
    /// Add the newest consented gratitude quote under journey messages (off by default).
    journey_gratitude_quote: bool,
    /// Let webhooks go to loopback, link-local and private addresses (off by default).
    webhooks_allow_private_targets: bool,
    /// Where mail goes: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`, `smtps://host`.
    smtp_url: Option<String>,
    /// The sender of customer mail, e.g. `Rapport Care <care@example.com>`.
    mail_from: Option<String>,
    /// Where people reach Rapport, for links in emails, e.g. `https://care.example.com`.
    public_url: Option<String>,
    /// The domain of per-conversation reply addresses (default: the sender's domain).
    reply_domain: Option<String>,
    /// The team's signature under every mailed reply (default: the sender's name); the two
    /// characters `\n` stand for a line break.
    mail_signature: Option<String>,
    /// Where the built-in SMTP receiver listens for customers' mail, e.g. `0.0.0.0:2525`.
    inbound_smtp_bind: Option<String>,
    /// Largest mail the receiver accepts, in bytes.
    inbound_max_bytes: usize,
    /// Mails one sender may send per hour before the receiver defers them.
    inbound_per_sender_per_hour: u32,
    /// Emotional risk weights and level thresholds (`[risk]` table; file only).
    risk: RiskConfig,
    /// How a customer's emotional state is computed (`[emotional_state]` table; file only).
    emotional_state: StateConfig,
}

impl Default for Settings {
    fn default() -> Self {
        let email = EmailConfig::default();
        Settings {
            database_url: None,
            bind: "127.0.0.1:3000".to_string(),
            data_dir: PathBuf::from("data"),
            session_secret: None,
            log_level: "info".to_string(),
            db_pool_size: 10,
            secure_cookies: false,
            session_days: 30,
            session_idle_minutes: 12 * 60,
            sign_in_per_ip_per_minute: 30,
            sign_in_per_account_per_minute: 10,
            posts_per_minute: 6,
            api_requests_per_minute: 6_000,
            hold_first_posts: 0,
            page_deadline_seconds: 15,
            max_pages_in_flight: 128,
            trusted_proxies: Vec::new(),
            journey_gratitude_quote: false,
            webhooks_allow_private_targets: false,
            smtp_url: None,
            mail_from: None,
            public_url: None,
            reply_domain: None,
            mail_signature: None,
            inbound_smtp_bind: None,
            inbound_max_bytes: email.inbound_max_bytes,
            inbound_per_sender_per_hour: email.inbound_per_sender_per_hour,
            risk: RiskConfig::default(),
            emotional_state: StateConfig::default(),
        }
    }
}

/// The environment variable of a key of [`Settings`]: `RAPPORT_<KEY>`, but `RAPPORT_LOG`.
fn env_name(key: &str) -> String {
    match key {
        "log_level" => "RAPPORT_LOG".to_string(),
        key => format!("RAPPORT_{}", key.to_ascii_uppercase()),
    }
}

/// The environment variables of the keys of [`Settings`], as a `figment` provider. Only those
/// names are looked up, so other `RAPPORT_*` variables (`RAPPORT_CONFIG`,
/// `RAPPORT_REQUIRE_POSTGRES`, …) are no configuration. A value is read as its key's default
/// is typed: a number or `true`/`false` (trimmed), a comma-separated list, or text as it is.
struct Environment(Dict);

impl Environment {
    fn read(lookup: &impl Fn(&str) -> Option<String>) -> Environment {
        let Ok(Value::Dict(_, defaults)) = Value::serialize(Settings::default()) else { unreachable!("the settings serialize to a table") };
        let values = defaults
            .into_iter()
            .filter(|(_, default)| !matches!(default, Value::Dict(..)))
            .filter_map(|(key, default)| {
                let raw = lookup(&env_name(&key))?;
                Some((key, typed_like(&default, raw)))
            })
            .collect();
        Environment(values)
    }
}

/// A variable's text as a value of the same kind as `default`; text that is no such value stays
/// text, and deserializing it fails with the variable's name.
fn typed_like(default: &Value, raw: String) -> Value {
    let text = raw.trim();
    match default {
        Value::Num(..) => match (text.parse::<u64>(), text.parse::<i64>(), text.parse::<f64>()) {
            (Ok(n), _, _) => Value::from(n),
            (_, Ok(n), _) => Value::from(n),
            (_, _, Ok(n)) => Value::from(n),
            _ => Value::from(raw),
        },
        Value::Bool(..) => text.parse::<bool>().map(Value::from).unwrap_or(Value::from(raw)),
        Value::Array(..) => Value::from(raw.split(',').map(str::to_string).collect::<Vec<_>>()),
        _ => Value::from(raw),
    }
}

impl Provider for Environment {
    fn metadata(&self) -> Metadata {
        Metadata::named("the environment")
            .interpolater(|_: &Profile, keys: &[&str]| keys.first().map(|key| env_name(key)).unwrap_or_default())
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        Ok(Profile::Default.collect(self.0.clone()))
    }
}

/// The TOML file, parsed, as a `figment` provider whose errors name the file and its key.
struct ConfigFile {
    path: PathBuf,
    data: Map<Profile, Dict>,
}

impl ConfigFile {
    fn read(path: &Path) -> Result<ConfigFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
        ConfigFile::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<ConfigFile> {
        let data = Toml::string(text).data().with_context(|| format!("invalid config file {}", path.display()))?;
        Ok(ConfigFile { path: path.to_path_buf(), data })
    }
}

impl Provider for ConfigFile {
    fn metadata(&self) -> Metadata {
        Metadata::from("config file", self.path.as_path()).interpolater(|_: &Profile, keys: &[&str]| keys.join("."))
    }

    fn data(&self) -> figment::Result<Map<Profile, Dict>> {
        Ok(self.data.clone())
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Set explicitly; otherwise read from (or created in) `data_dir/session_secret`.
    pub session_secret: Option<String>,
    pub log_level: String,
    pub db_pool_size: u32,
    pub secure_cookies: bool,
    pub session_days: i64,
    /// A session unused this long ends, whatever its absolute expiry (ASVS 3.3.2).
    pub session_idle_minutes: i64,
    pub sign_in_per_ip_per_minute: u32,
    pub sign_in_per_account_per_minute: u32,
    pub posts_per_minute: u32,
    /// Requests per API token per minute (0: no limit); a batch counts once.
    pub api_requests_per_minute: u32,
    /// How many of a new member's first forum posts wait for a moderator (0: none).
    pub hold_first_posts: u32,
    /// No page response may take longer; a page that does is cut off, logged and counted.
    pub page_deadline: std::time::Duration,
    /// Pages rendering, streaming or ending at once; beyond it a page gets a 503 at once.
    pub max_pages_in_flight: usize,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub journey_gratitude_quote: bool,
    /// Webhooks may go to this machine and private networks (receivers you run yourself);
    /// off, only public addresses are reached.
    pub webhooks_allow_private_targets: bool,
    /// Set explicitly; otherwise `http://<bind>` (see [`Config::public_url`]).
    pub public_url: Option<String>,
    /// End-to-end tests only (`RAPPORT_TEST_CLOCK_FILE`, no file key): the journey scheduler's
    /// clock runs ahead by the seconds written in this file.
    pub test_clock_file: Option<PathBuf>,
    /// Mail delivery; `None` keeps messages in the outbox as "not sent: no mail transport".
    pub mail: Option<MailConfig>,
    /// Reply addresses, the signature and the inbound SMTP receiver.
    pub email: EmailConfig,
    pub risk: RiskConfig,
    pub emotional_state: StateConfig,
}

/// A configured mail transport.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub smtp_url: String,
    pub from: lettre::message::Mailbox,
}

/// Mail as a channel: how replies are signed and addressed, and the inbound receiver.
#[derive(Clone, Debug)]
pub struct EmailConfig {
    /// Set explicitly; otherwise the sender's domain.
    pub reply_domain: Option<String>,
    pub signature: Option<String>,
    /// `None`: no SMTP receiver (mail reaches Rapport through the API only).
    pub inbound_smtp_bind: Option<SocketAddr>,
    pub inbound_max_bytes: usize,
    pub inbound_per_sender_per_hour: u32,
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            reply_domain: None,
            signature: None,
            inbound_smtp_bind: None,
            inbound_max_bytes: 25 * 1024 * 1024,
            inbound_per_sender_per_hour: 120,
        }
    }
}

impl EmailConfig {
    fn from_settings(settings: &Settings, mail: Option<&MailConfig>) -> Result<EmailConfig> {
        let reply_domain =
            settings.reply_domain.as_ref().map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase()).filter(|d| !d.is_empty());
        if let Some(domain) = &reply_domain {
            let valid = domain.contains('.')
                && domain
                    .split('.')
                    .all(|label| !label.is_empty() && label.len() <= 63 && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            if !valid {
                bail!("RAPPORT_REPLY_DOMAIN / reply_domain must be a domain name like reply.example.com (it was `{domain}`)");
            }
        }
        let inbound_smtp_bind =
            match settings.inbound_smtp_bind.as_ref().filter(|b| !b.trim().is_empty()) {
                Some(text) => Some(text.trim().parse().with_context(|| {
                    format!("RAPPORT_INBOUND_SMTP_BIND / inbound_smtp_bind: `{text}` is not an address like 0.0.0.0:2525")
                })?),
                None => None,
            };
        if inbound_smtp_bind.is_some() && reply_domain.is_none() && mail.is_none() {
            bail!("RAPPORT_INBOUND_SMTP_BIND is set, so Rapport needs its reply domain: set RAPPORT_REPLY_DOMAIN (e.g. reply.example.com) or RAPPORT_MAIL_FROM");
        }
        Ok(EmailConfig {
            reply_domain,
            signature: settings.mail_signature.as_ref().map(|s| s.replace("\\n", "\n")),
            inbound_smtp_bind,
            inbound_max_bytes: match settings.inbound_max_bytes {
                bytes @ 1024..=104_857_600 => bytes,
                bytes => bail!("RAPPORT_INBOUND_MAX_BYTES / inbound_max_bytes must be between 1024 and 104857600 (it was {bytes})"),
            },
            inbound_per_sender_per_hour: match settings.inbound_per_sender_per_hour {
                0 => bail!("RAPPORT_INBOUND_PER_SENDER_PER_HOUR / inbound_per_sender_per_hour must be at least 1"),
                n => n,
            },
        })
    }
}

/// Who mail is from and answered to, from the sender (if any) and the email settings.
pub fn mail_identity(mail: Option<&MailConfig>, email: &EmailConfig, secret: &[u8]) -> Option<app::channels::email::MailIdentity> {
    let sender = mail.map(|mail| &mail.from);
    let sender_domain = sender.map(|from| from.email.domain().to_ascii_lowercase());
    let reply_domain = email.reply_domain.clone().or(sender_domain.clone())?;
    let local = sender.map(|from| from.email.user().to_string()).unwrap_or_else(|| "reply".to_string());
    let signature = email.signature.clone().or_else(|| sender.and_then(|from| from.name.clone())).unwrap_or_default();
    Some(app::channels::email::MailIdentity {
        message_id_domain: sender_domain.unwrap_or_else(|| reply_domain.clone()),
        signature,
        reply_addresses: app::channels::email::reply_address::ReplyAddresses::new(secret, &local, &reply_domain),
    })
}

impl MailConfig {
    fn from_parts(smtp_url: Option<String>, mail_from: Option<String>) -> Result<Option<MailConfig>> {
        let Some(smtp_url) = smtp_url.filter(|url| !url.trim().is_empty()) else {
            if mail_from.is_some() {
                bail!("RAPPORT_MAIL_FROM / mail_from is set but RAPPORT_SMTP_URL / smtp_url is not: say where mail goes");
            }
            return Ok(None);
        };
        if !(smtp_url.starts_with("smtp://") || smtp_url.starts_with("smtps://")) {
            bail!(
                "RAPPORT_SMTP_URL / smtp_url must start with smtp:// or smtps:// (e.g. smtp://user:pass@mail.example.com:587?tls=required)"
            );
        }
        let Some(from) = mail_from else {
            bail!("RAPPORT_SMTP_URL is set, so RAPPORT_MAIL_FROM / mail_from is needed too (e.g. \"Care <care@example.com>\")");
        };
        let from = from.parse().map_err(|error| {
            anyhow::anyhow!("RAPPORT_MAIL_FROM / mail_from: `{from}` is not a mail address like \"Care <care@example.com>\" ({error})")
        })?;
        Ok(Some(MailConfig { smtp_url, from }))
    }
}

fn parse_addresses(list: Vec<String>) -> Result<Vec<std::net::IpAddr>> {
    list.iter()
        .map(|entry| entry.trim())
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse()
                .with_context(|| format!("RAPPORT_TRUSTED_PROXIES / trusted_proxies: `{entry}` is not an IP address like 127.0.0.1"))
        })
        .collect()
}

pub const DEFAULT_CONFIG_FILE: &str = "rapport.toml";

impl Config {
    /// Loads the configuration. `file` is an explicit TOML path (it must exist);
    /// without it `rapport.toml` in the working directory is read when present.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let file = match file {
            Some(path) => Some(ConfigFile::read(path)?),
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => Some(ConfigFile::read(Path::new(DEFAULT_CONFIG_FILE))?),
            None => None,
        };
        Config::from_sources(file, |key| std::env::var(key).ok())
    }

    /// The built-in defaults, ignoring files and environment (for tests and tools).
    pub fn defaults() -> Config {
        Config::from_sources(None, |_| None).expect("the defaults are valid")
    }

    /// The defaults, then `file`, then the variables `env` finds, checked.
    fn from_sources(file: Option<ConfigFile>, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let mut layers = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = file {
            layers = layers.merge(file);
        }
        let settings: Settings = layers.merge(Environment::read(&env)).extract()?;
        // End-to-end tests only: no file key.
        let test_clock_file = env("RAPPORT_TEST_CLOCK_FILE").filter(|path| !path.is_empty()).map(PathBuf::from);
        settings.check(test_clock_file)
    }

    /// How long a page may take and how many may be in memory at once.
    pub fn page_limits(&self) -> crate::page_deadline::PageLimits {
        crate::page_deadline::PageLimits { deadline: self.page_deadline, max_in_flight: self.max_pages_in_flight }
    }

    /// Who mail is from and answered to: reply addresses keyed with `secret`. `None` when
    /// neither a sender nor a reply domain is configured (no mail either way).
    pub fn mail_identity(&self, secret: &[u8]) -> Option<app::channels::email::MailIdentity> {
        mail_identity(self.mail.as_ref(), &self.email, secret)
    }

    /// The address in emailed links: configured, or this server's own bind address.
    pub fn public_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }

    /// The session secret: configured, or stored in the data folder (created on first run).
    pub fn resolve_session_secret(&self) -> Result<Vec<u8>> {
        if let Some(secret) = &self.session_secret {
            return Ok(secret.as_bytes().to_vec());
        }
        let path = self.data_dir.join("session_secret");
        if path.exists() {
            let secret = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
            let secret = secret.trim();
            if secret.len() < 32 {
                bail!("{} is shorter than 32 characters; delete it to generate a new one", path.display());
            }
            return Ok(secret.as_bytes().to_vec());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| format!("cannot create {}", self.data_dir.display()))?;
        let secret = app::auth::session::new_token();
        write_private(&path, &secret)?;
        tracing::info!(path = %path.display(), "generated a new session secret");
        Ok(secret.into_bytes())
    }
}

impl Settings {
    /// The configuration these settings describe, or what is wrong with them.
    fn check(self, test_clock_file: Option<PathBuf>) -> Result<Config> {
        let mail = MailConfig::from_parts(self.smtp_url.clone(), self.mail_from.clone())?;
        let email = EmailConfig::from_settings(&self, mail.as_ref())?;
        let data_dir = self.data_dir;
        let database_url = self.database_url.unwrap_or_else(|| format!("sqlite://{}", data_dir.join("rapport.db").display()));
        let bind_text = self.bind;
        let bind =
            bind_text.parse().with_context(|| format!("RAPPORT_BIND / bind: `{bind_text}` is not an address like 127.0.0.1:3000"))?;
        let session_secret = self.session_secret;
        if let Some(secret) = &session_secret {
            if secret.len() < 32 {
                bail!("RAPPORT_SESSION_SECRET / session_secret must be at least 32 characters long");
            }
        }
        let risk = self.risk;
        if let Err(problem) = risk.validate() {
            bail!("[risk] in the config file: {problem}");
        }
        let emotional_state = self.emotional_state;
        if !(emotional_state.half_life_days > 0.0 && emotional_state.recent_messages >= 2) {
            bail!("[emotional_state]: half_life_days must be above 0 and recent_messages at least 2");
        }
        let public_url = self.public_url.filter(|url| !url.trim().is_empty());
        if let Some(url) = &public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(char::is_whitespace) {
                bail!("RAPPORT_PUBLIC_URL / public_url must be an address like https://care.example.com (it was `{url}`)");
            }
        }
        Ok(Config {
            email,
            public_url,
            test_clock_file,
            mail,
            journey_gratitude_quote: self.journey_gratitude_quote,
            webhooks_allow_private_targets: self.webhooks_allow_private_targets,
            risk,
            emotional_state,
            database_url,
            bind,
            data_dir,
            session_secret,
            log_level: self.log_level,
            db_pool_size: self.db_pool_size,
            secure_cookies: self.secure_cookies,
            session_days: self.session_days,
            session_idle_minutes: match self.session_idle_minutes {
                minutes if minutes >= 1 => minutes,
                minutes => bail!("RAPPORT_SESSION_IDLE_MINUTES / session_idle_minutes must be at least 1 (it was {minutes})"),
            },
            sign_in_per_ip_per_minute: self.sign_in_per_ip_per_minute,
            sign_in_per_account_per_minute: self.sign_in_per_account_per_minute,
            api_requests_per_minute: self.api_requests_per_minute,
            posts_per_minute: self.posts_per_minute,
            trusted_proxies: parse_addresses(self.trusted_proxies)?,
            hold_first_posts: self.hold_first_posts,
            page_deadline: match self.page_deadline_seconds {
                seconds @ 1..=3600 => std::time::Duration::from_secs(seconds),
                seconds => bail!("RAPPORT_PAGE_DEADLINE_SECONDS / page_deadline_seconds must be between 1 and 3600 (it was {seconds})"),
            },
            max_pages_in_flight: match self.max_pages_in_flight {
                pages @ 1..=100_000 => pages,
                pages => bail!("RAPPORT_MAX_PAGES_IN_FLIGHT / max_pages_in_flight must be between 1 and 100000 (it was {pages})"),
            },
        })
    }
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// The configuration from a file with `toml` (none when empty) and the environment `pairs`;
    /// the process environment is not read.
    fn load(toml: &str, pairs: &[(&str, &str)]) -> Result<Config> {
        let file = (!toml.is_empty()).then(|| ConfigFile::parse(Path::new("rapport.toml"), toml)).transpose()?;
        let env: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_sources(file, move |key| env.get(key).cloned())
    }

    fn env(pairs: &[(&str, &str)]) -> Result<Config> {
        load("", pairs)
    }

    #[test]
    fn trusted_proxies_are_ip_addresses() {
        let config = env(&[("RAPPORT_TRUSTED_PROXIES", "127.0.0.1, ::1")]).unwrap();
        assert_eq!(config.trusted_proxies, ["127.0.0.1".parse::<std::net::IpAddr>().unwrap(), "::1".parse().unwrap()]);
        let refused = env(&[("RAPPORT_TRUSTED_PROXIES", "127.0.0.1,proxy.local")]).unwrap_err();
        assert!(format!("{refused:#}").contains("`proxy.local` is not an IP address"), "{refused:#}");
        assert_eq!(load("trusted_proxies = [\"10.0.0.2\"]", &[]).unwrap().trusted_proxies.len(), 1);
        assert!(env(&[("RAPPORT_TRUSTED_PROXIES", "")]).unwrap().trusted_proxies.is_empty());
        assert!(Config::defaults().trusted_proxies.is_empty(), "no proxy is trusted unless named");
    }

    #[test]
    fn defaults_use_sqlite_under_data() {
        let config = env(&[]).unwrap();
        assert_eq!(config.database_url, "sqlite://data/rapport.db");
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(config.log_level, "info");
        assert_eq!(config.db_pool_size, 10);
        assert_eq!(config.session_idle_minutes, 720);
        assert_eq!(config.api_requests_per_minute, 6_000);
        assert_eq!(config.page_deadline, std::time::Duration::from_secs(15));
        assert_eq!(config.email.inbound_max_bytes, 25 * 1024 * 1024);
        assert_eq!(config.email.inbound_per_sender_per_hour, 120);
        assert!(config.session_secret.is_none() && config.public_url.is_none() && config.test_clock_file.is_none());
        let config = env(&[("RAPPORT_DATA_DIR", "/srv/rapport")]).unwrap();
        assert_eq!(config.database_url, "sqlite:///srv/rapport/rapport.db");
    }

    #[test]
    fn risk_thresholds_come_from_the_file_and_are_checked() {
        let config = load("[risk]\nhigh_from = 40\nchurn_intent_points = 35", &[]).unwrap();
        assert_eq!(config.risk.high_from, 40);
        assert_eq!(config.risk.churn_intent_points, 35.0);
        assert_eq!(config.risk.critical_from, RiskConfig::default().critical_from);
        let error = load("[risk]\nmedium_from = 60", &[]).unwrap_err().to_string();
        assert!(error.contains("must rise"), "{error}");
        let error = load("[risk]\nhigh_form = 40", &[]).unwrap_err().to_string();
        assert!(error.contains("high_form"), "typos are refused: {error}");
        let error = load("[emotional_state]\nrecent_messages = 1", &[]).unwrap_err().to_string();
        assert!(error.contains("recent_messages at least 2"), "{error}");
        // The tables are file only.
        let config = env(&[("RAPPORT_RISK", "x"), ("RAPPORT_EMOTIONAL_STATE", "x")]).unwrap();
        assert_eq!(config.risk, RiskConfig::default());
    }

    #[test]
    fn environment_overrides_the_file() {
        let config = load("bind = \"127.0.0.1:4000\"\ndb_pool_size = 3", &[("RAPPORT_BIND", "0.0.0.0:5000")]).unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:5000");
        assert_eq!(config.db_pool_size, 3);
        let config =
            load("db_pool_size = 3\nsecure_cookies = true", &[("RAPPORT_DB_POOL_SIZE", " 7 "), ("RAPPORT_SECURE_COOKIES", "false")])
                .unwrap();
        assert_eq!(config.db_pool_size, 7, "numbers are trimmed");
        assert!(!config.secure_cookies);
    }

    #[test]
    fn rapport_log_sets_the_log_level() {
        assert_eq!(load("log_level = \"warn\"", &[]).unwrap().log_level, "warn");
        let config = load("log_level = \"warn\"", &[("RAPPORT_LOG", "rapport=debug,tower_http=debug")]).unwrap();
        assert_eq!(config.log_level, "rapport=debug,tower_http=debug");
        assert_eq!(env(&[("RAPPORT_LOG_LEVEL", "debug")]).unwrap().log_level, "info", "not a config variable");
    }

    #[test]
    fn other_rapport_variables_are_not_configuration() {
        let config = env(&[
            ("RAPPORT_REQUIRE_POSTGRES", "1"),
            ("RAPPORT_CONFIG", "elsewhere.toml"),
            ("RAPPORT_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1/postgres"),
            ("RAPPORT_WASM_ROUTE", "debian"),
            ("RAPPORT_LOG_FORMAT", "json"),
        ])
        .unwrap();
        assert_eq!(config.database_url, "sqlite://data/rapport.db");
    }

    #[test]
    fn text_stays_text() {
        // A secret of digits is not read as a number.
        let secret = "1234567890123456789012345678901234567890";
        assert_eq!(env(&[("RAPPORT_SESSION_SECRET", secret)]).unwrap().session_secret.as_deref(), Some(secret));
        let error = env(&[("RAPPORT_SESSION_SECRET", "short")]).unwrap_err().to_string();
        assert!(error.contains("at least 32 characters"), "{error}");
        let config = env(&[("RAPPORT_MAIL_SIGNATURE", "Care team\\nExample Inc.")]).unwrap();
        assert_eq!(config.email.signature.as_deref(), Some("Care team\nExample Inc."));
        let config = load("mail_signature = 'Care\\nTeam'", &[]).unwrap();
        assert_eq!(config.email.signature.as_deref(), Some("Care\nTeam"));
    }

    #[test]
    fn empty_values_are_unset() {
        let config = load(
            "smtp_url = \"smtp://mail:25\"\npublic_url = \"https://care.example.com\"\nreply_domain = \"reply.example.com\"\ninbound_smtp_bind = \"0.0.0.0:2525\"",
            &[("RAPPORT_SMTP_URL", ""), ("RAPPORT_PUBLIC_URL", " "), ("RAPPORT_REPLY_DOMAIN", ""), ("RAPPORT_INBOUND_SMTP_BIND", ""), ("RAPPORT_TEST_CLOCK_FILE", "")],
        )
        .unwrap();
        assert!(config.mail.is_none());
        assert!(config.public_url.is_none());
        assert!(config.email.reply_domain.is_none());
        assert!(config.email.inbound_smtp_bind.is_none());
        assert!(config.test_clock_file.is_none());
    }

    #[test]
    fn the_test_clock_is_environment_only() {
        let config = env(&[("RAPPORT_TEST_CLOCK_FILE", "/tmp/clock")]).unwrap();
        assert_eq!(config.test_clock_file, Some(PathBuf::from("/tmp/clock")));
        let error = load("test_clock_file = \"/tmp/clock\"", &[]).unwrap_err().to_string();
        assert!(error.contains("test_clock_file"), "{error}");
    }

    #[test]
    fn email_settings_are_checked() {
        let config = env(&[("RAPPORT_REPLY_DOMAIN", " Reply.Example.COM. "), ("RAPPORT_INBOUND_SMTP_BIND", "127.0.0.1:2525")]).unwrap();
        assert_eq!(config.email.reply_domain.as_deref(), Some("reply.example.com"));
        assert_eq!(config.email.inbound_smtp_bind, Some("127.0.0.1:2525".parse().unwrap()));
        let error = |pairs: &[(&str, &str)]| env(pairs).unwrap_err().to_string();
        assert!(error(&[("RAPPORT_REPLY_DOMAIN", "localhost")]).contains("must be a domain name"));
        assert!(error(&[("RAPPORT_INBOUND_SMTP_BIND", "127.0.0.1:2525")]).contains("needs its reply domain"));
        assert!(error(&[("RAPPORT_INBOUND_MAX_BYTES", "10")]).contains("between 1024 and 104857600 (it was 10)"));
        assert!(error(&[("RAPPORT_INBOUND_PER_SENDER_PER_HOUR", "0")]).contains("at least 1"));
    }

    #[test]
    fn mail_needs_a_url_and_a_sender() {
        let config = env(&[]).unwrap();
        assert!(config.mail.is_none());
        let config = env(&[("RAPPORT_SMTP_URL", "smtp://127.0.0.1:2525"), ("RAPPORT_MAIL_FROM", "Care <care@example.com>")]).unwrap();
        assert_eq!(config.mail.unwrap().from.email.to_string(), "care@example.com");
        let config =
            env(&[("RAPPORT_SMTP_URL", "smtp://127.0.0.1:2525"), ("RAPPORT_MAIL_FROM", "\"Care, Example\" <care@example.com>")]).unwrap();
        assert_eq!(config.mail.unwrap().from.name.as_deref(), Some("Care, Example"));
        let error = |pairs: &[(&str, &str)]| env(pairs).unwrap_err().to_string();
        assert!(error(&[("RAPPORT_SMTP_URL", "smtp://127.0.0.1:2525")]).contains("RAPPORT_MAIL_FROM"));
        assert!(error(&[("RAPPORT_SMTP_URL", "http://mail"), ("RAPPORT_MAIL_FROM", "a@b.c")]).contains("smtp://"));
        assert!(error(&[("RAPPORT_SMTP_URL", "smtp://mail"), ("RAPPORT_MAIL_FROM", "not an address")]).contains("not a mail address"));
        assert!(error(&[("RAPPORT_MAIL_FROM", "a@b.c")]).contains("RAPPORT_SMTP_URL"));
    }

    #[test]
    fn pages_in_flight_are_bounded_and_checked() {
        assert_eq!(Config::defaults().max_pages_in_flight, 128);
        let config = env(&[("RAPPORT_MAX_PAGES_IN_FLIGHT", "16")]).unwrap();
        assert_eq!(config.page_limits().max_in_flight, 16);
        let error = |value: &str| env(&[("RAPPORT_MAX_PAGES_IN_FLIGHT", value)]).unwrap_err();
        assert!(format!("{:#}", error("0")).contains("between 1 and 100000 (it was 0)"), "{:#}", error("0"));
        assert!(format!("{:#}", error("many")).contains("RAPPORT_MAX_PAGES_IN_FLIGHT"), "{:#}", error("many"));
        let error = env(&[("RAPPORT_PAGE_DEADLINE_SECONDS", "0")]).unwrap_err().to_string();
        assert!(error.contains("between 1 and 3600 (it was 0)"), "{error}");
        let error = env(&[("RAPPORT_SESSION_IDLE_MINUTES", "0")]).unwrap_err().to_string();
        assert!(error.contains("at least 1 (it was 0)"), "{error}");
    }

    #[test]
    fn links_in_mail_use_the_public_url() {
        let config = env(&[]).unwrap();
        assert_eq!(config.public_url(), "http://127.0.0.1:3000");
        let config = env(&[("RAPPORT_PUBLIC_URL", "https://care.example.com/")]).unwrap();
        assert_eq!(config.public_url(), "https://care.example.com");
        let error = env(&[("RAPPORT_PUBLIC_URL", "care.example.com")]).unwrap_err();
        assert!(error.to_string().contains("RAPPORT_PUBLIC_URL"));
    }

    #[test]
    fn bad_values_are_named() {
        for (name, value) in [
            ("RAPPORT_DB_POOL_SIZE", "many"),
            ("RAPPORT_DB_POOL_SIZE", "-1"),
            ("RAPPORT_DB_POOL_SIZE", "99999999999"),
            ("RAPPORT_SECURE_COOKIES", "yes"),
            ("RAPPORT_SESSION_DAYS", "1.5"),
            ("RAPPORT_BIND", "nowhere"),
        ] {
            let error = env(&[(name, value)]).unwrap_err().to_string();
            assert!(error.contains(name), "{name}={value}: {error}");
        }
        let error = load("db_pool_size = \"many\"", &[]).unwrap_err().to_string();
        assert!(error.contains("\"db_pool_size\"") && error.contains("rapport.toml"), "{error}");
        let error = load("databse_url = \"x\"", &[]).unwrap_err().to_string();
        assert!(error.contains("databse_url") && error.contains("rapport.toml"), "typos in the file are refused: {error}");
        let error = load("bind = ", &[]).unwrap_err();
        assert!(format!("{error:#}").contains("invalid config file rapport.toml"), "{error:#}");
    }
}

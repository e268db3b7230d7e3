//! Configuration: defaults, then an optional TOML file, then `RAPPORT_*` environment variables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use app::emotion::risk::RiskConfig;
use app::emotion::state::StateConfig;
use serde::Deserialize;

/// Keys accepted in the TOML file; each has a `RAPPORT_<KEY>` environment variable.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    session_secret: Option<String>,
    log_level: Option<String>,
    db_pool_size: Option<u32>,
    secure_cookies: Option<bool>,
    session_days: Option<i64>,
    session_idle_minutes: Option<i64>,
    sign_in_per_ip_per_minute: Option<u32>,
    sign_in_per_account_per_minute: Option<u32>,
    /// Forum posts (threads and replies) one account may write per minute.
    posts_per_minute: Option<u32>,
    api_requests_per_minute: Option<u32>,
    hold_first_posts: Option<u32>,
    /// Seconds a server-rendered page may take before it is cut off (and logged).
    page_deadline_seconds: Option<u64>,
    /// Pages in memory at once; one more is refused at once with a 503 (`page_admission`).
    max_pages_in_flight: Option<usize>,
    /// Reverse proxies (IP addresses) whose `X-Forwarded-For` header names the client.
    trusted_proxies: Option<Vec<String>>,
    /// Add the newest consented gratitude quote under journey messages (off by default).
    journey_gratitude_quote: Option<bool>,
    /// Let webhooks go to loopback, link-local and private addresses (off by default).
    webhooks_allow_private_targets: Option<bool>,
    /// Where mail goes: `smtp://host:25`, `smtp://user:pass@host:587?tls=required`, `smtps://host`.
    smtp_url: Option<String>,
    /// The sender of customer mail, e.g. `Rapport Care <care@example.com>`.
    mail_from: Option<String>,
    /// Where people reach Rapport, for links in emails, e.g. `https://care.example.com`.
    public_url: Option<String>,
    /// The domain of per-conversation reply addresses (default: the sender's domain).
    reply_domain: Option<String>,
    /// The team's signature under every mailed reply (default: the sender's name).
    mail_signature: Option<String>,
    /// Where the built-in SMTP receiver listens for customers' mail, e.g. `0.0.0.0:2525`.
    inbound_smtp_bind: Option<String>,
    /// Largest mail the receiver accepts, in bytes.
    inbound_max_bytes: Option<usize>,
    /// Mails one sender may send per hour before the receiver defers them.
    inbound_per_sender_per_hour: Option<u32>,
    /// Emotional risk weights and level thresholds (`[risk]` table; file only).
    risk: Option<RiskConfig>,
    /// How a customer's emotional state is computed (`[emotional_state]` table; file only).
    emotional_state: Option<StateConfig>,
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
        EmailConfig { reply_domain: None, signature: None, inbound_smtp_bind: None, inbound_max_bytes: 25 * 1024 * 1024, inbound_per_sender_per_hour: 120 }
    }
}

impl EmailConfig {
    fn from_sources(file: &FileConfig, env: &impl Fn(&str) -> Option<String>, mail: Option<&MailConfig>) -> Result<EmailConfig> {
        let reply_domain = env("RAPPORT_REPLY_DOMAIN").or(file.reply_domain.clone()).map(|d| d.trim().trim_end_matches('.').to_ascii_lowercase()).filter(|d| !d.is_empty());
        if let Some(domain) = &reply_domain {
            let valid = domain.contains('.') && domain.split('.').all(|label| !label.is_empty() && label.len() <= 63 && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
            if !valid {
                bail!("RAPPORT_REPLY_DOMAIN / reply_domain must be a domain name like reply.example.com (it was `{domain}`)");
            }
        }
        let inbound_smtp_bind = match env("RAPPORT_INBOUND_SMTP_BIND").or(file.inbound_smtp_bind.clone()).filter(|b| !b.trim().is_empty()) {
            Some(text) => Some(text.trim().parse().with_context(|| format!("RAPPORT_INBOUND_SMTP_BIND / inbound_smtp_bind: `{text}` is not an address like 0.0.0.0:2525"))?),
            None => None,
        };
        if inbound_smtp_bind.is_some() && reply_domain.is_none() && mail.is_none() {
            bail!("RAPPORT_INBOUND_SMTP_BIND is set, so Rapport needs its reply domain: set RAPPORT_REPLY_DOMAIN (e.g. reply.example.com) or RAPPORT_MAIL_FROM");
        }
        let defaults = EmailConfig::default();
        Ok(EmailConfig {
            reply_domain,
            signature: env("RAPPORT_MAIL_SIGNATURE").or(file.mail_signature.clone()).map(|s| s.replace("\\n", "\n")),
            inbound_smtp_bind,
            inbound_max_bytes: match parse_env(env, "RAPPORT_INBOUND_MAX_BYTES")?.or(file.inbound_max_bytes).unwrap_or(defaults.inbound_max_bytes) {
                bytes @ 1024..=104_857_600 => bytes,
                bytes => bail!("RAPPORT_INBOUND_MAX_BYTES / inbound_max_bytes must be between 1024 and 104857600 (it was {bytes})"),
            },
            inbound_per_sender_per_hour: match parse_env(env, "RAPPORT_INBOUND_PER_SENDER_PER_HOUR")?.or(file.inbound_per_sender_per_hour).unwrap_or(defaults.inbound_per_sender_per_hour) {
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
            bail!("RAPPORT_SMTP_URL / smtp_url must start with smtp:// or smtps:// (e.g. smtp://user:pass@mail.example.com:587?tls=required)");
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
            entry.parse().with_context(|| {
                format!("RAPPORT_TRUSTED_PROXIES / trusted_proxies: `{entry}` is not an IP address like 127.0.0.1")
            })
        })
        .collect()
}

pub const DEFAULT_CONFIG_FILE: &str = "rapport.toml";

impl Config {
    /// Loads the configuration. `file` is an explicit TOML path (it must exist);
    /// without it `rapport.toml` in the working directory is read when present.
    pub fn load(file: Option<&Path>) -> Result<Config> {
        let from_file = match file {
            Some(path) => read_file(path)?,
            None if Path::new(DEFAULT_CONFIG_FILE).exists() => {
                read_file(Path::new(DEFAULT_CONFIG_FILE))?
            }
            None => FileConfig::default(),
        };
        Config::from_sources(from_file, |key| std::env::var(key).ok())
    }

    /// The built-in defaults, ignoring files and environment (for tests and tools).
    pub fn defaults() -> Config {
        Config::from_sources(FileConfig::default(), |_| None).expect("the defaults are valid")
    }

    fn from_sources(file: FileConfig, env: impl Fn(&str) -> Option<String>) -> Result<Config> {
        let mail = MailConfig::from_parts(env("RAPPORT_SMTP_URL").or(file.smtp_url.clone()), env("RAPPORT_MAIL_FROM").or(file.mail_from.clone()))?;
        let email = EmailConfig::from_sources(&file, &env, mail.as_ref())?;
        let data_dir = env("RAPPORT_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("data"));
        let database_url = env("RAPPORT_DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("rapport.db").display()));
        let bind_text = env("RAPPORT_BIND")
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:3000".to_string());
        let bind = bind_text.parse().with_context(|| {
            format!("RAPPORT_BIND / bind: `{bind_text}` is not an address like 127.0.0.1:3000")
        })?;
        let session_secret = env("RAPPORT_SESSION_SECRET").or(file.session_secret);
        if let Some(secret) = &session_secret {
            if secret.len() < 32 {
                bail!(
                    "RAPPORT_SESSION_SECRET / session_secret must be at least 32 characters long"
                );
            }
        }
        let risk = file.risk.unwrap_or_default();
        if let Err(problem) = risk.validate() {
            bail!("[risk] in the config file: {problem}");
        }
        let emotional_state = file.emotional_state.unwrap_or_default();
        if !(emotional_state.half_life_days > 0.0 && emotional_state.recent_messages >= 2) {
            bail!(
                "[emotional_state]: half_life_days must be above 0 and recent_messages at least 2"
            );
        }
        let public_url = env("RAPPORT_PUBLIC_URL").or(file.public_url).filter(|url| !url.trim().is_empty());
        if let Some(url) = &public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(char::is_whitespace) {
                bail!("RAPPORT_PUBLIC_URL / public_url must be an address like https://care.example.com (it was `{url}`)");
            }
        }
        Ok(Config {
            email,
            public_url,
            test_clock_file: env("RAPPORT_TEST_CLOCK_FILE").filter(|path| !path.is_empty()).map(PathBuf::from),
            mail,
            journey_gratitude_quote: parse_env(&env, "RAPPORT_JOURNEY_GRATITUDE_QUOTE")?
                .or(file.journey_gratitude_quote)
                .unwrap_or(false),
            webhooks_allow_private_targets: parse_env(&env, "RAPPORT_WEBHOOKS_ALLOW_PRIVATE_TARGETS")?
                .or(file.webhooks_allow_private_targets)
                .unwrap_or(false),
            risk,
            emotional_state,
            database_url,
            bind,
            data_dir,
            session_secret,
            log_level: env("RAPPORT_LOG")
                .or(file.log_level)
                .unwrap_or_else(|| "info".to_string()),
            db_pool_size: parse_env(&env, "RAPPORT_DB_POOL_SIZE")?
                .or(file.db_pool_size)
                .unwrap_or(10),
            secure_cookies: parse_env(&env, "RAPPORT_SECURE_COOKIES")?
                .or(file.secure_cookies)
                .unwrap_or(false),
            session_days: parse_env(&env, "RAPPORT_SESSION_DAYS")?
                .or(file.session_days)
                .unwrap_or(30),
            session_idle_minutes: match parse_env(&env, "RAPPORT_SESSION_IDLE_MINUTES")?.or(file.session_idle_minutes).unwrap_or(12 * 60) {
                minutes if minutes >= 1 => minutes,
                minutes => bail!("RAPPORT_SESSION_IDLE_MINUTES / session_idle_minutes must be at least 1 (it was {minutes})"),
            },
            sign_in_per_ip_per_minute: parse_env(&env, "RAPPORT_SIGN_IN_PER_IP_PER_MINUTE")?
                .or(file.sign_in_per_ip_per_minute)
                .unwrap_or(30),
            sign_in_per_account_per_minute: parse_env(
                &env,
                "RAPPORT_SIGN_IN_PER_ACCOUNT_PER_MINUTE",
            )?
            .or(file.sign_in_per_account_per_minute)
            .unwrap_or(10),
            api_requests_per_minute: parse_env(&env, "RAPPORT_API_REQUESTS_PER_MINUTE")?
                .or(file.api_requests_per_minute)
                .unwrap_or(6_000),
            posts_per_minute: parse_env(&env, "RAPPORT_POSTS_PER_MINUTE")?
                .or(file.posts_per_minute)
                .unwrap_or(6),
            trusted_proxies: parse_addresses(
                env("RAPPORT_TRUSTED_PROXIES")
                    .map(|list| list.split(',').map(str::to_string).collect())
                    .or(file.trusted_proxies)
                    .unwrap_or_default(),
            )?,
            hold_first_posts: parse_env(&env, "RAPPORT_HOLD_FIRST_POSTS")?
                .or(file.hold_first_posts)
                .unwrap_or(0),
            page_deadline: match parse_env(&env, "RAPPORT_PAGE_DEADLINE_SECONDS")?.or(file.page_deadline_seconds).unwrap_or(15) {
                seconds @ 1..=3600 => std::time::Duration::from_secs(seconds),
                seconds => bail!("RAPPORT_PAGE_DEADLINE_SECONDS / page_deadline_seconds must be between 1 and 3600 (it was {seconds})"),
            },
            max_pages_in_flight: match parse_env(&env, "RAPPORT_MAX_PAGES_IN_FLIGHT")?.or(file.max_pages_in_flight).unwrap_or(128) {
                pages @ 1..=100_000 => pages,
                pages => bail!("RAPPORT_MAX_PAGES_IN_FLIGHT / max_pages_in_flight must be between 1 and 100000 (it was {pages})"),
            },
        })
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
            let secret = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let secret = secret.trim();
            if secret.len() < 32 {
                bail!(
                    "{} is shorter than 32 characters; delete it to generate a new one",
                    path.display()
                );
            }
            return Ok(secret.as_bytes().to_vec());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create {}", self.data_dir.display()))?;
        let secret = app::auth::session::new_token();
        write_private(&path, &secret)?;
        tracing::info!(path = %path.display(), "generated a new session secret");
        Ok(secret.into_bytes())
    }
}

fn read_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

fn parse_env<T: std::str::FromStr>(
    env: &impl Fn(&str) -> Option<String>,
    key: &str,
) -> Result<Option<T>> {
    match env(key) {
        None => Ok(None),
        Some(raw) => match raw.trim().parse() {
            Ok(value) => Ok(Some(value)),
            Err(_) => bail!("{key}: `{raw}` is not a valid value"),
        },
    }
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with_env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn trusted_proxies_are_ip_addresses() {
        let config = Config::from_sources(FileConfig::default(), with_env(&[("RAPPORT_TRUSTED_PROXIES", "127.0.0.1, ::1")])).unwrap();
        assert_eq!(config.trusted_proxies, ["127.0.0.1".parse::<std::net::IpAddr>().unwrap(), "::1".parse().unwrap()]);
        let refused = Config::from_sources(FileConfig::default(), with_env(&[("RAPPORT_TRUSTED_PROXIES", "127.0.0.1,proxy.local")])).unwrap_err();
        assert!(format!("{refused:#}").contains("`proxy.local` is not an IP address"), "{refused:#}");
        let file: FileConfig = toml::from_str("trusted_proxies = [\"10.0.0.2\"]").unwrap();
        assert_eq!(Config::from_sources(file, with_env(&[])).unwrap().trusted_proxies.len(), 1);
        assert!(Config::defaults().trusted_proxies.is_empty(), "no proxy is trusted unless named");
    }

    #[test]
    fn defaults_use_sqlite_under_data() {
        let config = Config::from_sources(FileConfig::default(), with_env(&[])).unwrap();
        assert_eq!(config.database_url, "sqlite://data/rapport.db");
        assert_eq!(config.bind.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn risk_thresholds_come_from_the_file_and_are_checked() {
        let file: FileConfig =
            toml::from_str("[risk]\nhigh_from = 40\nchurn_intent_points = 35").unwrap();
        let config = Config::from_sources(file, with_env(&[])).unwrap();
        assert_eq!(config.risk.high_from, 40);
        assert_eq!(config.risk.churn_intent_points, 35.0);
        assert_eq!(
            config.risk.critical_from,
            RiskConfig::default().critical_from
        );
        let file: FileConfig = toml::from_str("[risk]\nmedium_from = 60").unwrap();
        let error = Config::from_sources(file, with_env(&[]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("must rise"), "{error}");
        assert!(
            toml::from_str::<FileConfig>("[risk]\nhigh_form = 40").is_err(),
            "typos are refused"
        );
    }

    #[test]
    fn environment_overrides_the_file() {
        let file: FileConfig =
            toml::from_str("bind = \"127.0.0.1:4000\"\ndb_pool_size = 3").unwrap();
        let config =
            Config::from_sources(file, with_env(&[("RAPPORT_BIND", "0.0.0.0:5000")])).unwrap();
        assert_eq!(config.bind.to_string(), "0.0.0.0:5000");
        assert_eq!(config.db_pool_size, 3);
    }

    #[test]
    fn mail_needs_a_url_and_a_sender() {
        let config = Config::from_sources(FileConfig::default(), with_env(&[])).unwrap();
        assert!(config.mail.is_none());
        let config = Config::from_sources(
            FileConfig::default(),
            with_env(&[("RAPPORT_SMTP_URL", "smtp://127.0.0.1:2525"), ("RAPPORT_MAIL_FROM", "Care <care@example.com>")]),
        )
        .unwrap();
        assert_eq!(config.mail.unwrap().from.email.to_string(), "care@example.com");
        let error = |pairs: &[(&str, &str)]| Config::from_sources(FileConfig::default(), with_env(pairs)).unwrap_err().to_string();
        assert!(error(&[("RAPPORT_SMTP_URL", "smtp://127.0.0.1:2525")]).contains("RAPPORT_MAIL_FROM"));
        assert!(error(&[("RAPPORT_SMTP_URL", "http://mail"), ("RAPPORT_MAIL_FROM", "a@b.c")]).contains("smtp://"));
        assert!(error(&[("RAPPORT_SMTP_URL", "smtp://mail"), ("RAPPORT_MAIL_FROM", "not an address")]).contains("not a mail address"));
        assert!(error(&[("RAPPORT_MAIL_FROM", "a@b.c")]).contains("RAPPORT_SMTP_URL"));
    }

    #[test]
    fn pages_in_flight_are_bounded_and_checked() {
        assert_eq!(Config::defaults().max_pages_in_flight, 128);
        let config = Config::from_sources(FileConfig::default(), with_env(&[("RAPPORT_MAX_PAGES_IN_FLIGHT", "16")])).unwrap();
        assert_eq!(config.page_limits().max_in_flight, 16);
        let error = |value: &str| Config::from_sources(FileConfig::default(), with_env(&[("RAPPORT_MAX_PAGES_IN_FLIGHT", value)])).unwrap_err();
        assert!(format!("{:#}", error("0")).contains("between 1 and 100000 (it was 0)"), "{:#}", error("0"));
        assert!(format!("{:#}", error("many")).contains("RAPPORT_MAX_PAGES_IN_FLIGHT"), "{:#}", error("many"));
    }

    #[test]
    fn links_in_mail_use_the_public_url() {
        let config = Config::from_sources(FileConfig::default(), with_env(&[])).unwrap();
        assert_eq!(config.public_url(), "http://127.0.0.1:3000");
        let config = Config::from_sources(FileConfig::default(), with_env(&[("RAPPORT_PUBLIC_URL", "https://care.example.com/")])).unwrap();
        assert_eq!(config.public_url(), "https://care.example.com");
        let error = Config::from_sources(FileConfig::default(), with_env(&[("RAPPORT_PUBLIC_URL", "care.example.com")])).unwrap_err();
        assert!(error.to_string().contains("RAPPORT_PUBLIC_URL"));
    }

    #[test]
    fn bad_values_are_named() {
        let error = Config::from_sources(
            FileConfig::default(),
            with_env(&[("RAPPORT_DB_POOL_SIZE", "many")]),
        )
        .unwrap_err();
        assert!(error.to_string().contains("RAPPORT_DB_POOL_SIZE"));
        let error = Config::from_sources(
            FileConfig::default(),
            with_env(&[("RAPPORT_BIND", "nowhere")]),
        )
        .unwrap_err();
        assert!(error.to_string().contains("RAPPORT_BIND"));
        assert!(
            toml::from_str::<FileConfig>("databse_url = \"x\"").is_err(),
            "typos in the file are refused"
        );
    }
}

//! `rapport`: the server binary and its command line.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use app::domain::accounts::Role;
use clap::{Parser, Subcommand, ValueEnum};
use server::seed::{SeedOptions, DEMO_ACCOUNTS};
use server::{accounts, http, seed, Config};

#[derive(Parser)]
#[command(name = "rapport", version, about = "Rapport: customer care that treats emotion as data")]
struct Cli {
    /// A TOML configuration file (default: ./rapport.toml when present).
    #[arg(long, global = true, env = "RAPPORT_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Fill the database with deterministic demo data (skipped when demo data exists).
    SeedDemo {
        #[arg(long, default_value_t = 200)]
        customers: u64,
        /// Average conversations per customer.
        #[arg(long, default_value_t = 1.0)]
        conversations_per_customer: f64,
        /// Average messages per conversation.
        #[arg(long, default_value_t = 6)]
        messages_per_conversation: u32,
        /// Forum threads.
        #[arg(long, default_value_t = 60)]
        threads: u64,
        /// Average posts per forum thread.
        #[arg(long, default_value_t = 5)]
        posts_per_thread: u32,
        /// Random seed; the same seed gives the same content.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Create a staff account (or a customer account); prints the password once.
    CreateUser {
        #[arg(long, value_enum)]
        role: RoleArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: Option<String>,
        /// Read the password from this environment variable instead of generating one.
        #[arg(long)]
        password_env: Option<String>,
    },
    /// Create an API token for an integration; prints the token once.
    CreateToken {
        #[arg(long)]
        name: String,
    },
    /// Score texts from stdin (one per line) with the emotion engine; JSON lines on stdout.
    Score {
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Revoke an API token by name.
    RevokeToken {
        #[arg(long)]
        name: String,
    },
    /// Write a consistent copy of the SQLite database to a new file, while the server runs
    /// (on Postgres, use pg_dump; the error says how).
    Backup {
        /// The backup file to create (it must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Check the database's integrity (SQLite: integrity and foreign keys; Postgres: indexes).
    Check,
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Admin,
    Agent,
    Marketing,
    Customer,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::Admin => Role::Admin,
            RoleArg::Agent => Role::Agent,
            RoleArg::Marketing => Role::Marketing,
            RoleArg::Customer => Role::Customer,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Score { threads }) = cli.command {
        return score_stdin(threads);
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config.log_level);
    // The crash tests name points to stop at (`FAILPOINTS=ingest-after-commit=pause`).
    let _failpoints = std::env::var_os("FAILPOINTS").filter(|names| !names.is_empty()).map(|_| {
        tracing::warn!("FAILPOINTS is set: a test build stops at the named points (crash tests)");
        fail::FailScenario::setup()
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), &config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: &Config) -> Result<()> {
    match command {
        Command::Serve => http::serve(config).await,
        Command::Backup { to } => {
            let db = http::open_database(config).await?;
            let done = app::data::backup::sqlite_backup(&db, &to).await;
            db.close().await;
            done?;
            println!("backup written to {}", to.display());
            Ok(())
        }
        Command::Check => {
            let db = http::open_database(config).await?;
            let problems = app::data::backup::integrity_problems(&db).await;
            db.close().await;
            match problems? {
                None => {
                    println!("integrity check passed: {}", app::data::redact_url(&config.database_url));
                    Ok(())
                }
                Some(problems) => anyhow::bail!("integrity check failed: {problems}"),
            }
        }
        Command::Migrate => {
            let db = http::open_database(config).await?;
            db.close().await;
            println!("migrations applied to {}", app::data::redact_url(&config.database_url));
            Ok(())
        }
        Command::SeedDemo { customers, conversations_per_customer, messages_per_conversation, threads, posts_per_thread, seed } => {
            let db = http::open_database(config).await?;
            let options = SeedOptions {
                customers,
                conversations_per_customer,
                messages_per_conversation,
                threads,
                posts_per_thread,
                seed,
                risk: config.risk.clone(),
                emotional_state: config.emotional_state.clone(),
                ..SeedOptions::default()
            };
            let started = std::time::Instant::now();
            let report = seed::seed_demo(&db, &options).await?;
            if !report.already_present {
                app::data::maintenance::after_bulk_load(&db).await?;
            }
            db.close().await;
            if report.already_present {
                println!("demo data is already present; nothing to do");
            } else {
                println!(
                    "seeded {} customers, {} conversations, {} messages, {} events, {} forum threads, {} posts, {} stories and {} quotes (consent marked \"demo data\") in {:.1}s",
                    report.customers,
                    report.conversations,
                    report.messages,
                    report.events,
                    report.threads,
                    report.posts,
                    report.stories,
                    report.quotes,
                    started.elapsed().as_secs_f64()
                );
                println!("demo accounts (password: {}):", options.demo_password);
                for (email, _, role) in DEMO_ACCOUNTS {
                    println!("  {:<10} {email}", role.as_str());
                }
            }
            Ok(())
        }
        Command::CreateUser { role, email, name, password_env } => {
            let password = match password_env {
                Some(var) => Some(std::env::var(&var).map_err(|_| anyhow::anyhow!("environment variable {var} is not set"))?),
                None => None,
            };
            let generated = password.is_none();
            let db = http::open_database(config).await?;
            let password = accounts::create_user(&db, role.into(), &email, name.as_deref(), password).await?;
            db.close().await;
            println!("created {} account {}", Role::from(role).as_str(), email.trim().to_lowercase());
            if generated {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        Command::CreateToken { name } => {
            let db = http::open_database(config).await?;
            let token = accounts::create_token(&db, &config.resolve_session_secret()?, &name).await?;
            db.close().await;
            println!("{token}");
            eprintln!("API token `{name}` created. Store it now: it cannot be shown again.");
            Ok(())
        }
        Command::Score { .. } => unreachable!("handled before the runtime starts"),
        Command::RevokeToken { name } => {
            let db = http::open_database(config).await?;
            accounts::revoke_token(&db, &name).await?;
            db.close().await;
            println!("API token `{name}` revoked");
            Ok(())
        }
    }
}

/// Needs neither configuration nor database, so it runs before both are loaded.
fn score_stdin(threads: Option<usize>) -> ExitCode {
    let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get));
    let stdin = std::io::stdin().lock();
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match server::score::score_lines(stdin, stdout, threads) {
        Ok(summary) if summary.failed == 0 => {
            eprintln!("scored {} lines", summary.scored);
            ExitCode::SUCCESS
        }
        Ok(summary) => {
            eprintln!("scored {} lines; {} could not be scored (see their \"error\" objects)", summary.scored, summary.failed);
            ExitCode::from(1)
        }
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(level: &str) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(level).unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("RAPPORT_LOG_FORMAT").map(|f| f == "json").unwrap_or(false);
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

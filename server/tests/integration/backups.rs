//! Backups as an operator takes them: `rapport backup` on a running SQLite database, and
//! `pg_dump` / `pg_restore` on Postgres; the restored copy holds the data and passes the
//! integrity check.

use std::process::Command;

use crate::support::TestDb;
use app::data::{Db, DbOptions};

const TABLES: [&str; 5] = ["customers", "messages", "forum_posts", "stories", "consent_records"];

async fn counts(db: &Db) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        counts.push(app::on_pool!(db, pool => sqlx::query_scalar::<_, i64>(&sql).fetch_one(pool).await).unwrap());
    }
    counts
}

async fn seeded(database: &TestDb) -> Vec<i64> {
    server::seed::seed_demo(&database.db, &server::seed::SeedOptions { customers: 20, threads: 4, ..Default::default() }).await.unwrap();
    let counts = counts(&database.db).await;
    assert!(counts[0] > 0 && counts[1] > 0, "customers and messages were seeded: {counts:?}");
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_taken_by_the_cli_restores_the_data() {
    let database = TestDb::sqlite().await;
    let expected = seeded(&database).await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("rapport-backup.db");
    let run = |to: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["backup", "--to"])
            .arg(to)
            .env_remove("RAPPORT_CONFIG")
            .env("RAPPORT_DATABASE_URL", &database.url)
            .env("RAPPORT_DATA_DIR", dir.path())
            .env("RAPPORT_LOG", "warn")
            .output()
            .expect("run rapport backup")
    };
    // The pool of "the running server" stays open meanwhile: the backup is taken online.
    let output = run(&backup);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let again = run(&backup);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"), "a backup never overwrites a file");

    let restored = Db::connect(&DbOptions { url: format!("sqlite://{}", backup.display()), max_connections: 2 }).await.unwrap();
    assert_eq!(counts(&restored).await, expected);
    assert_eq!(app::data::backup::integrity_problems(&restored).await.unwrap(), None);
    let check = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("check")
        .env_remove("RAPPORT_CONFIG")
        .env("RAPPORT_DATABASE_URL", format!("sqlite://{}", backup.display()))
        .env("RAPPORT_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&check.stdout).contains("integrity check passed"), "{}", String::from_utf8_lossy(&check.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_dump_restores_into_a_new_database() {
    let Some(database) = TestDb::postgres().await else { return };
    let expected = seeded(&database).await;
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("rapport.dump");
    let ran = Command::new("pg_dump")
        .args(["--format=custom", "--no-owner", "--file"])
        .arg(&dump)
        .arg(&database.url)
        .output()
        .expect("pg_dump is installed");
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));

    let (base, name) = database.url.rsplit_once('/').unwrap();
    let copy = format!("{name}_restored");
    let admin = std::env::var("RAPPORT_TEST_POSTGRES_URL").unwrap_or(format!("{base}/test"));
    let psql = |sql: String| Command::new("psql").args([admin.as_str(), "-q", "-c", &sql]).output().unwrap();
    assert!(psql(format!("CREATE DATABASE {copy}")).status.success());
    let restored_url = format!("{base}/{copy}");
    let restore = Command::new("pg_restore").args(["--no-owner", "--dbname", &restored_url]).arg(&dump).output().unwrap();
    assert!(restore.status.success(), "{}", String::from_utf8_lossy(&restore.stderr));
    let restored = Db::connect(&DbOptions { url: restored_url, max_connections: 2 }).await.unwrap();
    assert_eq!(counts(&restored).await, expected);
    assert_eq!(app::data::backup::integrity_problems(&restored).await.unwrap(), None);
    // A restored database is current: the server's migrations find nothing to do.
    restored.migrate().await.unwrap();
    // The CLI points Postgres users at pg_dump rather than pretending.
    let refused = app::data::backup::sqlite_backup(&database.db, &dir.path().join("x.db")).await.unwrap_err();
    assert!(refused.to_string().contains("pg_dump"), "{refused}");
    restored.close().await;
    psql(format!("DROP DATABASE IF EXISTS {copy} WITH (FORCE)"));
}

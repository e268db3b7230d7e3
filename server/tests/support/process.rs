//! Real `rapport serve` processes (as deployed), for tests that kill, restart or multiply them.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|listener| listener.local_addr()).expect("a free port").port()
}

/// One server process on a free port; killed when dropped.
pub struct Instance {
    pub port: u16,
    env: Vec<(String, String)>,
    child: Option<Child>,
}

impl Instance {
    pub fn new(database_url: &str, data_dir: &Path) -> Instance {
        let port = free_port();
        Instance {
            port,
            env: vec![
                ("RAPPORT_DATABASE_URL".into(), database_url.into()),
                ("RAPPORT_DATA_DIR".into(), data_dir.display().to_string()),
                ("RAPPORT_BIND".into(), format!("127.0.0.1:{port}")),
                ("RAPPORT_LOG".into(), "error".into()),
            ],
            child: None,
        }
    }

    pub fn env(mut self, key: &str, value: impl Into<String>) -> Instance {
        self.env.retain(|(existing, _)| existing != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// A `rapport` command with this instance's settings (`serve`, `create-token`, `check`, …).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
        command.args(args).env_remove("RAPPORT_CONFIG");
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// Starts `rapport serve` and waits until it is ready.
    pub async fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        self.child = Some(self.command(&["serve"]).spawn().expect("start rapport serve"));
        let ready = format!("{}/readyz", self.base());
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if reqwest::get(&ready).await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server on port {} did not become ready", self.port);
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A data folder of its own for each instance.
pub fn data_dir(parent: &Path, name: &str) -> PathBuf {
    let dir = parent.join(name);
    std::fs::create_dir_all(&dir).expect("data dir");
    dir
}

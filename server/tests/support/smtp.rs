//! A real SMTP peer on a free port for the mail tests: it speaks the protocol (greeting,
//! EHLO, MAIL, RCPT, DATA, QUIT) and keeps what it was given, or refuses recipients.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[derive(Clone, Debug)]
pub struct Received {
    pub recipients: Vec<String>,
    pub data: String,
}

impl Received {
    /// The `Message-ID` header's value.
    pub fn message_id(&self) -> Option<String> {
        self.data
            .lines()
            .find_map(|line| line.strip_prefix("Message-ID:").or_else(|| line.strip_prefix("Message-Id:")))
            .map(|value| value.trim().to_string())
    }
}

pub struct SmtpSink {
    pub address: SocketAddr,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    /// Accepts every message.
    pub async fn start() -> SmtpSink {
        SmtpSink::start_with(None).await
    }

    /// Answers every RCPT with `refusal` (e.g. "550 5.1.1 no such user").
    pub async fn refusing(refusal: &'static str) -> SmtpSink {
        SmtpSink::start_with(Some(refusal)).await
    }

    async fn start_with(refusal: Option<&'static str>) -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP sink");
        let address = listener.local_addr().expect("address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = session(stream, refusal, store).await;
                });
            }
        });
        SmtpSink { address, received }
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn session(stream: tokio::net::TcpStream, refusal: Option<&str>, store: Arc<Mutex<Vec<Received>>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            write.write_all(b"250-sink.test\r\n250 8BITMIME\r\n").await?;
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            write.write_all(b"250 2.1.0 ok\r\n").await?;
        } else if command.starts_with("RCPT TO") {
            match refusal {
                Some(answer) => write.write_all(format!("{answer}\r\n").as_bytes()).await?,
                None => {
                    recipients.push(line.trim_end()["RCPT TO:".len()..].trim().to_string());
                    write.write_all(b"250 2.1.5 ok\r\n").await?;
                }
            }
        } else if command == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(&line);
            }
            store.lock().unwrap().push(Received { recipients: std::mem::take(&mut recipients), data });
            write.write_all(b"250 2.0.0 queued\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 2.0.0 bye\r\n").await?;
            return Ok(());
        } else {
            // RSET, NOOP and anything else.
            write.write_all(b"250 2.0.0 ok\r\n").await?;
        }
    }
}

//! What a test binary's servers log (error level and above), and the panics of its threads,
//! for tests that assert on them. Each such test lives in a binary of its own: the capture is
//! process-wide.

use std::io::Write;
use std::sync::{Mutex, OnceLock};

fn captured() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        struct Capture;
        impl Write for Capture {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                captured().lock().expect("logs").extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let _ = tracing_subscriber::fmt().with_env_filter("error").with_ansi(false).with_writer(|| Capture).try_init();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |panic| {
            let _ = writeln!(Capture, "PANIC {panic}");
            previous(panic);
        }));
        Mutex::new(Vec::new())
    })
}

/// Starts capturing (call first in the test).
pub fn capture() {
    captured();
}

/// Everything captured so far.
pub fn text() -> String {
    String::from_utf8_lossy(&captured().lock().expect("logs")).into_owned()
}

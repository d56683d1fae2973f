//! One server child process: started with a temp HOME, its output captured to a log file
//! and scanned for the boot line.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `mqnamesrv` or `mqbroker`.
pub struct ServerProcess {
    name: String,
    child: Option<Child>,
    log_path: PathBuf,
    boot_line: String,
}

impl ServerProcess {
    /// Starts `binary args...` with `HOME=home` and waits (up to `timeout`) for a stdout line
    /// containing `boot_marker`.
    pub fn start(
        name: &str,
        binary: &Path,
        args: &[String],
        home: &Path,
        log_dir: &Path,
        boot_marker: &str,
        timeout: Duration,
    ) -> Result<Self> {
        std::fs::create_dir_all(home)?;
        std::fs::create_dir_all(log_dir)?;
        let log_path = log_dir.join(format!("{name}.out"));
        let mut child = Command::new(binary)
            .args(args)
            .env("HOME", home)
            .env_remove("NAMESRV_ADDR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("spawning {}", binary.display()))?;
        let (tx, rx) = mpsc::channel::<String>();
        let mut log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)?;
        let _ = writeln!(log, "---- {} {:?}", binary.display(), args);
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let mut log = log.try_clone()?;
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let _ = writeln!(log, "{line}");
                    let _ = tx.send(line);
                }
            });
        }
        drop(tx);
        let deadline = Instant::now() + timeout;
        let mut proc = ServerProcess {
            name: name.to_string(),
            child: Some(child),
            log_path,
            boot_line: String::new(),
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!(
                    "{name} did not boot within {timeout:?}; log:\n{}",
                    proc.log_tail()
                );
            }
            match rx.recv_timeout(left.min(Duration::from_millis(200))) {
                Ok(line) if line.contains(boot_marker) => {
                    proc.boot_line = line;
                    return Ok(proc);
                }
                Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(status) = proc.try_wait() {
                        bail!(
                            "{name} exited with {status} before booting; log:\n{}",
                            proc.log_tail()
                        );
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(50));
                    if let Some(status) = proc.try_wait() {
                        bail!("{name} exited with {status}; log:\n{}", proc.log_tail());
                    }
                }
            }
        }
    }

    /// Returns the boot line the process printed.
    pub fn boot_line(&self) -> &str {
        &self.boot_line
    }

    /// Returns the process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
    }

    /// Returns the last lines of the process's output.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Kills the process with SIGKILL and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Sends SIGTERM and waits up to `timeout` for a clean exit (then SIGKILL). Returns the
    /// exit status if it exited by itself.
    pub fn terminate(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let mut c = self.child.take()?;
        let _ = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status();
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = c.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        tracing::warn!(name = %self.name, "did not stop on SIGTERM, killing");
        let _ = c.kill();
        let _ = c.wait();
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

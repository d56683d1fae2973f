//! Finding (and if needed building) the server binaries.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Returns the path of binary `name` (`mqnamesrv`, `mqbroker`, `mqadmin`, ...), building the
/// package of the same name with cargo when it is missing.
pub fn binary_path(name: &str) -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("RMQ_BIN_DIR") {
        let p = Path::new(&dir).join(name);
        if p.exists() {
            return Ok(p);
        }
        bail!("{name} not found in RMQ_BIN_DIR={dir}");
    }
    let (target_dir, profile) = target_profile_dir()?;
    let p = target_dir.join(&profile).join(name);
    static BUILD: Mutex<()> = Mutex::new(());
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    if !p.exists() || std::env::var_os("RMQ_TESTKIT_REBUILD").is_some() {
        build(name, &target_dir, &profile)?;
    }
    if !p.exists() {
        bail!("{} still missing after cargo build", p.display());
    }
    Ok(p)
}

/// Returns (`target` dir, profile dir name) of the running test executable.
fn target_profile_dir() -> Result<(PathBuf, String)> {
    let exe = std::env::current_exe().context("current_exe")?;
    // target/<profile>/deps/<test-binary>
    let deps = exe.parent().context("exe has no parent")?;
    let profile_dir = if deps.file_name().is_some_and(|n| n == "deps") {
        deps.parent().context("deps has no parent")?
    } else {
        deps
    };
    let profile = profile_dir
        .file_name()
        .and_then(|n| n.to_str())
        .context("bad profile dir")?
        .to_string();
    let target = profile_dir
        .parent()
        .context("profile dir has no parent")?
        .to_path_buf();
    Ok((target, profile))
}

fn build(name: &str, target_dir: &Path, profile: &str) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "-p", name, "--bin", name])
        .arg("--target-dir")
        .arg(target_dir);
    match profile {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().context("running cargo build")?;
    if !status.success() {
        bail!("cargo build of {name} failed");
    }
    Ok(())
}

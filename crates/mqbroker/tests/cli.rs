#![allow(clippy::unwrap_used)]
//! `mqbroker` command line: config printing, Java's error messages and exit codes, and a real
//! start on port 0 that prints Java's boot line and stops on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn mqbroker() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqbroker"))
}

#[test]
fn prints_config_items_from_file_and_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broker.conf");
    std::fs::write(
        &conf,
        "brokerName = broker-x\nlistenPort=12911\nflushDiskType=SYNC_FLUSH\nnoSuchKey=1\n",
    )
    .unwrap();
    let out = mqbroker()
        .args(["-c", conf.to_str().unwrap(), "-n", "127.0.0.1:9876", "-p"])
        .env("ROCKETMQ_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().any(|l| l == "namesrvAddr=127.0.0.1:9876"),
        "{stdout}"
    );
    assert!(stdout.lines().any(|l| l == "flushDiskType=SYNC_FLUSH"));
    assert!(stdout.lines().any(|l| l == "haListenPort=12912"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("unknown config key noSuchKey"), "{stderr}");
    let important = mqbroker()
        .arg("-m")
        .env("ROCKETMQ_HOME", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(important.stdout).unwrap();
    assert!(text.contains("autoCreateTopicEnable=true"));
    assert!(!text.contains("sendThreadPoolQueueCapacity"));
}

#[test]
fn namesrv_addr_env_is_honoured_and_dash_n_wins() {
    let dir = tempfile::tempdir().unwrap();
    let out = mqbroker()
        .arg("-p")
        .env("ROCKETMQ_HOME", dir.path())
        .env("NAMESRV_ADDR", "10.0.0.1:9876;10.0.0.2:9876")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout
            .lines()
            .any(|l| l == "namesrvAddr=10.0.0.1:9876;10.0.0.2:9876"),
        "{stdout}"
    );
    let out = mqbroker()
        .args(["-p", "-n", "127.0.0.1:9877"])
        .env("ROCKETMQ_HOME", dir.path())
        .env("NAMESRV_ADDR", "10.0.0.1:9876")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.lines().any(|l| l == "namesrvAddr=127.0.0.1:9877"));
}

#[test]
fn java_messages_and_exit_codes() {
    let out = mqbroker().args(["-n", "bad", "-p"]).output().unwrap();
    assert_eq!(out.status.code(), Some(253));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "The Name Server Address[bad] illegal, please set it as follows, \"127.0.0.1:9876;192.168.0.1:9876\""
    );
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("slave.conf");
    std::fs::write(&conf, "brokerRole=SLAVE\nbrokerId=0\n").unwrap();
    let out = mqbroker()
        .args(["-c", conf.to_str().unwrap(), "-p"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(253));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "Slave's brokerId must be > 0"
    );
}

#[test]
fn boots_on_port_zero_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broker.conf");
    std::fs::write(
        &conf,
        format!(
            "brokerName=broker-cli\nlistenPort=0\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\n\
             storePathRootDir={}\nmappedFileSizeCommitLog=4194304\n",
            dir.path().join("store").display()
        ),
    )
    .unwrap();
    let mut child = mqbroker()
        .args(["-c", conf.to_str().unwrap()])
        .env("HOME", dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("The broker[broker-cli, 127.0.0.1:")
            && line.contains("] boot success. serializeType=JSON"),
        "{line}"
    );
    assert!(!line.contains("name server is"));
    send_sigterm(child.id());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(dir.path().join("logs/rocketmqlogs/broker.log")).unwrap();
    assert!(log.contains("boot success"));
    assert!(
        !dir.path().join("store/abort").exists(),
        "clean shutdown removes abort"
    );
}

fn send_sigterm(pid: u32) {
    let status = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Runs `cmd` until it exits (killing it after a minute, so a broker that boots by mistake
/// fails the test instead of hanging it) and returns its exit code and stderr.
fn run_to_exit(mut cmd: Command) -> (Option<i32>, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).unwrap();
        s
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    (status.code(), reader.join().unwrap())
}

/// A broker command with a temp HOME and store and the given extra broker.conf lines.
fn broker_with(dir: &std::path::Path, extra: &str) -> Command {
    let conf = dir.join("broker.conf");
    std::fs::write(
        &conf,
        format!(
            "brokerName=broker-cli\nbrokerIP1=127.0.0.1\nbindAddress=127.0.0.1\n\
             storePathRootDir={}\nmappedFileSizeCommitLog=4194304\n{extra}",
            dir.join("store").display()
        ),
    )
    .unwrap();
    let mut c = mqbroker();
    c.args(["-c", conf.to_str().unwrap()])
        .env("HOME", dir)
        .env("ROCKETMQ_HOME", dir)
        .env_remove("NAMESRV_ADDR");
    c
}

#[test]
fn port_in_use_names_the_address_once() {
    // Hold a port, then ask the broker for it (main channel), then for it as the fast
    // channel's (listenPort - 2).
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    for (listen, what) in [(port, "main"), (port + 2, "fast")] {
        let dir = tempfile::tempdir().unwrap();
        let (code, stderr) =
            run_to_exit(broker_with(dir.path(), &format!("listenPort={listen}\n")));
        assert_eq!(code, Some(255), "{what}: {stderr}");
        let needle = format!("failed to bind to 127.0.0.1:{port}: ");
        assert!(stderr.contains(&needle), "{what}: {stderr}");
        if what == "fast" {
            assert!(
                stderr.contains("fast channel (listenPort - 2): failed"),
                "{stderr}"
            );
        }
        // Each cause once (it was "io error: Address already in use (os error 98): io
        // error: ...: Address already in use (os error 98)", on two lines).
        assert_eq!(
            stderr.matches("Address already in use").count(),
            1,
            "{what}: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
        assert!(!stderr.contains("bad frame"), "{stderr}");
    }
}

#[test]
fn bad_listen_ports_name_key_value_and_reason() {
    for (extra, expected) in [
        (
            "listenPort=abc\n",
            "invalid value \"abc\" for config key listenPort in ",
        ),
        (
            "listenPort=70000\n",
            "invalid value 70000 for config key listenPort: a port must be 0..=65535",
        ),
        (
            "listenPort=-5\n",
            "invalid value -5 for config key listenPort: a port must be 0..=65535",
        ),
        (
            "haListenPort=x1\n",
            "invalid value \"x1\" for config key haListenPort in ",
        ),
        (
            "listenPort=20911\nhaListenPort=20911\n",
            "haListenPort 20911 is the same port as listenPort",
        ),
        (
            "listenPort=20911\nhaListenPort=20909\n",
            "haListenPort 20909 is the fast channel's port (listenPort - 2)",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (code, stderr) = run_to_exit(broker_with(dir.path(), extra));
        assert_eq!(code, Some(1), "{extra}: {stderr}");
        assert!(stderr.contains(expected), "{extra}: {stderr}");
        assert!(!stderr.contains("bad frame"), "{extra}: {stderr}");
        assert!(
            !dir.path().join("store").exists(),
            "{extra}: refused before opening the store"
        );
    }
}

#[test]
fn keys_rmq_does_not_implement_are_warned_once() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("broker.conf");
    std::fs::write(
        &conf,
        "brokerName=b\naclEnable=true\nskipPreOnline=true\nenableControllerMode=true\n\
         timerWheelEnable=false\n\
         timerWarmEnable=true\ntransientStorePoolEnable=true\nclientCloseSocketIfTimeout=false\n\
         scanAvailableNameSrv=false\n",
    )
    .unwrap();
    let out = mqbroker()
        .args(["-c", conf.to_str().unwrap(), "-p"])
        .env("ROCKETMQ_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    for key in [
        "aclEnable",
        "skipPreOnline",
        "timerWarmEnable",
        "transientStorePoolEnable",
        "clientCloseSocketIfTimeout",
        "scanAvailableNameSrv",
    ] {
        let line = format!(
            "mqbroker: warning: config key {key} is parsed but not implemented by rmq yet ("
        );
        assert_eq!(stderr.matches(&line).count(), 1, "{key}: {stderr}");
    }
    assert!(!stderr.contains("config key brokerName"), "{stderr}");
    // Controller mode and the timer wheel are implemented: their switches are not warned about.
    assert!(
        !stderr.contains("config key enableControllerMode"),
        "{stderr}"
    );
    assert!(!stderr.contains("config key timerWheelEnable"), "{stderr}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().any(|l| l == "timerWheelEnable=false"),
        "{stdout}"
    );
    assert!(stdout.lines().any(|l| l == "isScanAvailableNameSrv=false"));

    // Java's own conf/broker.conf sets nothing rmq ignores.
    let java_conf = concat!(env!("CARGO_MANIFEST_DIR"), "/../../conf/broker.conf");
    let out = mqbroker()
        .args(["-c", java_conf, "-p"])
        .env("ROCKETMQ_HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
}

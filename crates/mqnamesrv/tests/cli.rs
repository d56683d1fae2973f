#![allow(clippy::unwrap_used)]
//! The `mqnamesrv` executable: `-p`, `-c`, `-n`, the boot line, serving requests, the log
//! file, graceful SIGTERM, config errors, and the `bin/mqnamesrv` launcher script.

use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::header::namesrv::{GetKVConfigRequestHeader, PutKVConfigRequestHeader};
use rmq_remoting::{NettyClientConfig, RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_mqnamesrv");

fn command(home: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("HOME", home)
        .env_remove("ROCKETMQ_HOME")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    c
}

fn props_of(stdout: &str) -> std::collections::BTreeMap<String, String> {
    stdout
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn print_config_item_lists_every_key_and_exits_0() {
    let home = tempfile::tempdir().unwrap();
    let out = command(home.path()).arg("-p").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let p = props_of(&stdout);
    assert_eq!(p["listenPort"], "9876");
    assert_eq!(p["bindAddress"], "0.0.0.0");
    assert_eq!(p["scanNotActiveBrokerInterval"], "5000");
    assert_eq!(p["brokerChannelExpiredTime"], "120000");
    assert_eq!(
        p["configBlackList"],
        "configBlackList;configStorePath;kvConfigPath"
    );
    assert_eq!(
        p["kvConfigPath"],
        home.path()
            .join("namesrv/kvConfig.json")
            .display()
            .to_string()
    );
    assert!(p.contains_key("serverChannelMaxIdleTimeSeconds"));
    assert!(
        p.contains_key("connectTimeoutMillis"),
        "netty client keys are printed too"
    );
    // Without ROCKETMQ_HOME the home is derived from the executable's location.
    let exe_dir = Path::new(BIN).canonicalize().unwrap();
    let expected_home = exe_dir.parent().unwrap().parent().unwrap();
    assert_eq!(p["rocketmqHome"], expected_home.display().to_string());
    // -p never starts a server or writes logs.
    assert!(!home.path().join("logs").exists());
}

/// Java 5.3.3's config keys (tests/interop/README.md): `class, declaring class, field,
/// setter key` per line, in declaration order.
const JAVA_533_FIELDS: &str = include_str!("../../../tests/interop/config_fields_5.3.3.tsv");

#[test]
fn print_config_item_keys_and_order_are_java_533s() {
    let home = tempfile::tempdir().unwrap();
    let out = command(home.path()).arg("-p").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let ours: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.to_string()))
        .collect();
    let mut java: Vec<String> = Vec::new();
    for class in ["NamesrvConfig", "NettyServerConfig", "NettyClientConfig"] {
        for line in JAVA_533_FIELDS.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols[0] == class {
                java.push(cols[2].to_string());
            }
            // rmq's one key of its own comes last in NamesrvConfig.
            if class == "NamesrvConfig" && cols[0] == class && cols[2] == "configBlackList" {
                java.push("brokerChannelExpiredTime".into());
            }
        }
    }
    assert_eq!(ours, java);
}

#[test]
fn config_file_and_namesrv_addr_options() {
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("ns.properties");
    std::fs::write(
        &conf,
        "listenPort=12345\norderMessageEnable=true\nnoSuchKey=1\n",
    )
    .unwrap();
    let out = command(home.path())
        .args(["-n", "127.0.0.1:9876", "--configFile"])
        .arg(&conf)
        .arg("--printConfigItem")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!(
            "load config properties file OK, {}\n",
            conf.display()
        )),
        "{stdout}"
    );
    let p = props_of(&stdout);
    assert_eq!(p["listenPort"], "12345");
    assert_eq!(p["orderMessageEnable"], "true");
    assert_eq!(p["configStorePath"], conf.display().to_string());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("unknown config key noSuchKey"), "{stderr}");
}

#[test]
fn bad_config_values_exit_nonzero() {
    let home = tempfile::tempdir().unwrap();
    for (text, needle) in [
        ("listenPort=abc\n", "listenPort"),
        ("listenPort=70000\n", "listenPort"),
        (
            "scanNotActiveBrokerInterval=0\n",
            "scanNotActiveBrokerInterval",
        ),
    ] {
        let conf = home.path().join("bad.properties");
        std::fs::write(&conf, text).unwrap();
        let out = command(home.path()).arg("-c").arg(&conf).output().unwrap();
        assert!(!out.status.success(), "{text}: {out:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(needle), "{text}: {stderr}");
    }
    let out = command(home.path())
        .arg("-c")
        .arg(home.path().join("missing"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = command(home.path()).arg("--bogus").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = command(home.path()).arg("-h").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("--configFile"));
}

#[test]
fn bad_listen_port_names_key_value_and_reason() {
    let home = tempfile::tempdir().unwrap();
    for (text, expected) in [
        (
            "listenPort=abc\n",
            "invalid value \"abc\" for config key listenPort in ",
        ),
        (
            "listenPort=70000\n",
            "invalid value 70000 for config key listenPort: a port must be 0..=65535",
        ),
    ] {
        let conf = home.path().join("bad.properties");
        std::fs::write(&conf, text).unwrap();
        let out = command(home.path()).arg("-c").arg(&conf).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{text}: {out:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(expected), "{text}: {stderr}");
        if text.contains("abc") {
            assert!(stderr.trim_end().ends_with(": not an integer"), "{stderr}");
        }
        assert!(!stderr.contains("bad frame"), "{stderr}");
    }
}

#[test]
fn keys_rmq_does_not_implement_are_warned_once() {
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("ns.properties");
    std::fs::write(
        &conf,
        "clusterTest=true\nserverWorkerThreads=4\n\
         enableShutdownGracefully=true\nlistenPort=9876\n",
    )
    .unwrap();
    let out = command(home.path())
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    for key in ["clusterTest", "serverWorkerThreads"] {
        let line = format!(
            "mqnamesrv: warning: config key {key} is parsed but not implemented by rmq yet ("
        );
        assert_eq!(stderr.matches(&line).count(), 1, "{key}: {stderr}");
    }
    // The NameServer honours these.
    assert!(!stderr.contains("enableShutdownGracefully"), "{stderr}");
    assert!(!stderr.contains("listenPort"), "{stderr}");
}

#[test]
fn port_in_use_names_the_address_once() {
    let home = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let conf = home.path().join("ns.properties");
    std::fs::write(&conf, format!("listenPort={port}\nbindAddress=127.0.0.1\n")).unwrap();
    let out = command(home.path())
        .env("ROCKETMQ_HOME", home.path())
        .arg("-c")
        .arg(&conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("failed to bind to 127.0.0.1:{port}: ")),
        "{stderr}"
    );
    // Each cause once, on one line (it was printed three times on two lines).
    assert_eq!(
        stderr.matches("Address already in use").count(),
        1,
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    drop(taken);
}

/// Kills the child on drop so a failing test leaves no server behind.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the server and returns it with its boot line.
fn boot(mut cmd: Command) -> (Server, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.starts_with("The Name Server boot success") => return (server, line),
            Ok(_) => continue,
            Err(e) => panic!("no boot line: {e}"),
        }
    }
}

fn terminate(mut server: Server) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn boots_prints_boot_line_serves_and_stops_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("namesrv.properties");
    let kv = home.path().join("namesrv/kvConfig.json");
    std::fs::write(
        &conf,
        format!(
            "listenPort=0\nbindAddress=127.0.0.1\nkvConfigPath={}\n",
            kv.display()
        ),
    )
    .unwrap();
    let mut cmd = command(home.path());
    cmd.arg("-c").arg(&conf);
    let (server, line) = boot(cmd);
    let addr = line
        .strip_prefix("The Name Server boot success. serializeType=JSON, address ")
        .unwrap_or_else(|| panic!("unexpected boot line {line:?}"));
    let port: u16 = addr.strip_prefix("127.0.0.1:").unwrap().parse().unwrap();
    assert_ne!(port, 0, "the boot line shows the bound port");

    let client = RemotingClient::new(
        NettyClientConfig::default(),
        Arc::new(RequestDispatcher::new()),
    );
    let put = PutKVConfigRequestHeader {
        namespace: "cli".into(),
        key: "k".into(),
        value: "v".into(),
    };
    let r = client
        .invoke(
            addr,
            RemotingCommand::create_request_command(RequestCode::PUT_KV_CONFIG, &put),
            5000,
        )
        .await
        .unwrap();
    assert_eq!(r.code, ResponseCode::SUCCESS.0);
    let get = GetKVConfigRequestHeader {
        namespace: "cli".into(),
        key: "k".into(),
    };
    let r = client
        .invoke(
            addr,
            RemotingCommand::create_request_command(RequestCode::GET_KV_CONFIG, &get),
            5000,
        )
        .await
        .unwrap();
    assert_eq!(r.ext_field("value"), Some("v"));
    client.shutdown().await;
    assert!(std::fs::read_to_string(&kv)
        .unwrap()
        .contains(r#""cli":{"k":"v"}"#));

    let status = terminate(server);
    assert_eq!(status.code(), Some(0), "{status:?}");
    let log = std::fs::read_to_string(home.path().join("logs/rocketmqlogs/namesrv.log")).unwrap();
    assert!(log.contains(&line), "boot line not logged:\n{log}");
    // Lines look like logback's: `yyyy-MM-dd HH:mm:ss,SSS LEVEL thread - message`.
    let first = log.lines().next().unwrap();
    let (stamp, rest) = first.split_at(23);
    assert_eq!(stamp.as_bytes()[19], b',', "{first}");
    assert!(
        rest.starts_with(" INFO ") || rest.starts_with(" WARN "),
        "{first}"
    );
    assert!(rest.contains(" - "), "{first}");
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bin/mqnamesrv")
}

#[test]
fn launcher_script_derives_home_and_execs_the_binary() {
    // A release-like layout: <home>/bin/mqnamesrv (the script) and <home>/lib/mqnamesrv.
    let home = tempfile::tempdir().unwrap();
    let root = home.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("lib")).unwrap();
    std::fs::copy(script(), root.join("bin/mqnamesrv")).unwrap();
    std::os::unix::fs::symlink(BIN, root.join("lib/mqnamesrv")).unwrap();
    let out = Command::new("sh")
        .arg(root.join("bin/mqnamesrv"))
        .args(["-p", "-n", "127.0.0.1:9876"])
        .env("HOME", &root)
        .env_remove("ROCKETMQ_HOME")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let p = props_of(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(p["rocketmqHome"], root.display().to_string());

    // No binary anywhere: a clear message and a non-zero exit.
    std::fs::remove_file(root.join("lib/mqnamesrv")).unwrap();
    let out = Command::new("sh")
        .arg(root.join("bin/mqnamesrv"))
        .arg("-p")
        .env_remove("ROCKETMQ_HOME")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("no NameServer binary found"));
}

#[test]
fn an_embedded_controller_needs_its_peers() {
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("ns.properties");
    std::fs::write(&conf, "enableControllerInNamesrv=true\nlistenPort=0\n").unwrap();
    let out = command(home.path()).arg("-c").arg(&conf).output().unwrap();
    assert!(!out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("controllerDLegerPeers of ControllerConfig is null or empty"),
        "{stderr}"
    );
    // with its keys, -p prints the controller's settings after the NameServer's
    std::fs::write(
        &conf,
        "enableControllerInNamesrv=true\ncontrollerDLegerPeers=n0-127.0.0.1:9878\n\
         controllerDLegerSelfId=n0\ncontrollerDLegerGroup=g\n",
    )
    .unwrap();
    let out = command(home.path())
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("controllerDLegerPeers=n0-127.0.0.1:9878\n"),
        "{stdout}"
    );
    assert!(!String::from_utf8(out.stderr)
        .unwrap()
        .contains("unknown config key"));
}

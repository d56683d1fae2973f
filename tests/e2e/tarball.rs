//! The release tarball, unpacked into a temporary directory and used only through its
//! scripts, as Apache RocketMQ's quickstart does: `bin/mqnamesrv`, `bin/mqbroker -n`,
//! `bin/mqadmin` (updateTopic, topicList, clusterList, topicStatus, sendMessage,
//! consumeMessage, queryMsgById), `benchmark/consumer.sh` and `benchmark/producer.sh` for
//! about 10 s (stopped with `benchmark/shutdown.sh`), then `bin/mqshutdown broker|namesrv`.
//!
//! The tarball is `RMQ_DIST_TARBALL` when set (e.g. the release one from
//! `distribution/build.sh`); otherwise this test builds the binaries of its own profile and
//! packs them with `distribution/build.sh` (RMQ_SKIP_BUILD=1, RMQ_PROFILE=<profile>) into a
//! temporary directory, so the packaging script is exercised too. Servers listen on
//! 127.0.0.1 port 0 (their boot lines give the ports) with HOME in the temporary directory;
//! a guard stops everything this installation started if the test fails halfway.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let p = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("KEEP_TMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// The unpacked installation; dropping it stops whatever it still runs.
struct Install {
    home: PathBuf,
    user_home: PathBuf,
    servers: Vec<Child>,
}

impl Drop for Install {
    fn drop(&mut self) {
        for tool in ["producer", "consumer"] {
            let _ = self.sh("benchmark/shutdown.sh", &[tool]).output();
        }
        for server in ["broker", "namesrv"] {
            let _ = self.sh("bin/mqshutdown", &[server]).output();
        }
        for c in &mut self.servers {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Install {
    /// `sh <script> args...` in the installation, with HOME in the temp dir and
    /// ROCKETMQ_HOME unset, so the scripts derive it as for a user.
    fn sh(&self, script: &str, args: &[&str]) -> Command {
        let mut c = Command::new("sh");
        c.arg(self.home.join(script))
            .args(args)
            .current_dir(&self.user_home)
            .env("HOME", &self.user_home)
            .env_remove("ROCKETMQ_HOME")
            .env_remove("NAMESRV_ADDR")
            .stdin(Stdio::null());
        c
    }

    fn mqadmin(&self, args: &[&str]) -> Output {
        self.sh("bin/mqadmin", args).output().unwrap()
    }

    /// Runs mqadmin and expects success; returns stdout.
    fn mqadmin_ok(&self, args: &[&str]) -> String {
        let out = self.mqadmin(args);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "mqadmin {args:?} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// Starts a server script (it `exec`s the binary, so the child is the server) with its
    /// output in `log`, and waits for the line containing `marker`.
    fn start_server(&mut self, script: &str, args: &[&str], log: &Path, marker: &str) -> String {
        let file = std::fs::File::create(log).unwrap();
        let child = self
            .sh(script, args)
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap();
        self.servers.push(child);
        wait_for(Duration::from_secs(60), || {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            text.lines()
                .find(|l| l.contains(marker))
                .map(str::to_string)
        })
        .unwrap_or_else(|| {
            panic!(
                "{script} did not print {marker:?}; output:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        })
    }
}

/// Polls `f` every 100 ms until it returns `Some` or `timeout` passes.
fn wait_for<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// (`target` dir, profile) of this test executable (`target/<profile>/deps/e2e-...`).
fn target_and_profile() -> (PathBuf, String) {
    let exe = std::env::current_exe().unwrap();
    let mut dir = exe.parent().unwrap();
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir = dir.parent().unwrap();
    }
    let profile = dir.file_name().unwrap().to_string_lossy().into_owned();
    (dir.parent().unwrap().to_path_buf(), profile)
}

/// Returns the tarball to test: `RMQ_DIST_TARBALL`, or one packed now into `out`.
fn tarball(out: &Path) -> PathBuf {
    if let Some(t) = std::env::var_os("RMQ_DIST_TARBALL") {
        return PathBuf::from(t);
    }
    let (target, profile) = target_and_profile();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(repo_root())
        .args([
            "build",
            "--quiet",
            "-p",
            "mqnamesrv",
            "-p",
            "mqbroker",
            "-p",
            "mqcontroller",
            "-p",
            "mqadmin",
        ])
        .args(["-p", "rmq-benchmark", "--target-dir"])
        .arg(&target);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            build.arg("--release");
        }
        other => {
            build.args(["--profile", other]);
        }
    }
    assert!(build.status().unwrap().success(), "cargo build failed");
    let packed = Command::new("bash")
        .arg(repo_root().join("distribution/build.sh"))
        .env("RMQ_SKIP_BUILD", "1")
        .env("RMQ_PROFILE", &profile)
        .env("CARGO_TARGET_DIR", &target)
        .env("RMQ_DIST_OUT", out)
        .output()
        .unwrap();
    assert!(
        packed.status.success(),
        "distribution/build.sh failed:\n{}{}",
        String::from_utf8_lossy(&packed.stdout),
        String::from_utf8_lossy(&packed.stderr)
    );
    let path = String::from_utf8_lossy(&packed.stdout)
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    PathBuf::from(path)
}

/// Returns the text between `[` and `]` after `prefix` in `line`.
fn bracketed<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &line[line.find(prefix)? + prefix.len()..];
    rest.split(']').next()
}

/// The first number after `label` in `text` (e.g. `Send Total: `).
fn number_after(text: &str, label: &str) -> Option<u64> {
    let rest = &text[text.find(label)? + label.len()..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[test]
fn tarball_quickstart_with_scripts() {
    let tmp = TempDir::new("rmq-e2e-tarball");
    let tarball = tarball(&tmp.0.join("dist"));
    assert!(tarball.exists(), "no tarball at {}", tarball.display());

    // Unpack anywhere: one top folder rmq-<version>/ with the documented layout.
    let unpack = tmp.0.join("unpacked");
    std::fs::create_dir_all(&unpack).unwrap();
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&unpack)
        .status()
        .unwrap();
    assert!(status.success());
    let tops: Vec<PathBuf> = std::fs::read_dir(&unpack)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(tops.len(), 1, "{tops:?}");
    let home = tops[0].clone();
    assert!(home
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("rmq-"));
    for f in [
        "bin/mqnamesrv",
        "bin/mqbroker",
        "bin/mqcontroller",
        "bin/mqshutdown",
        "bin/mqadmin",
        "conf/broker.conf",
        "conf/2m-2s-async",
        "conf/2m-2s-sync",
        "conf/2m-noslave",
        "conf/controller/controller-standalone.conf",
        "conf/controller/quick-start/broker-n0.conf",
        "conf/controller/cluster-3n-namesrv-plugin/namesrv-n0.conf",
        "benchmark/producer.sh",
        "benchmark/consumer.sh",
        "benchmark/batchproducer.sh",
        "benchmark/shutdown.sh",
        "lib/mqnamesrv",
        "lib/mqbroker",
        "lib/mqcontroller",
        "lib/mqadmin",
        "lib/benchmark-producer",
        "lib/benchmark-consumer",
        "LICENSE",
        "NOTICE",
        "README.md",
    ] {
        assert!(home.join(f).exists(), "{f} missing from the tarball");
    }

    let user_home = tmp.0.join("home");
    std::fs::create_dir_all(&user_home).unwrap();
    let mut install = Install {
        home,
        user_home: user_home.clone(),
        servers: Vec::new(),
    };

    // nohup sh bin/mqnamesrv & (port 0: the boot line tells the port).
    let ns_conf = tmp.0.join("namesrv.properties");
    std::fs::write(&ns_conf, "listenPort=0\nbindAddress=127.0.0.1\n").unwrap();
    let boot = install.start_server(
        "bin/mqnamesrv",
        &["-c", ns_conf.to_str().unwrap()],
        &tmp.0.join("namesrv.out"),
        "The Name Server boot success",
    );
    let ns_port: u16 = boot.rsplit(':').next().unwrap().trim().parse().unwrap();
    let ns = format!("127.0.0.1:{ns_port}");

    // nohup sh bin/mqbroker -n <ns> &
    let broker_conf = tmp.0.join("broker.conf");
    std::fs::write(
        &broker_conf,
        format!(
            "brokerClusterName=DefaultCluster\nbrokerName=broker-a\nbrokerId=0\nlistenPort=0\n\
             brokerIP1=127.0.0.1\nbindAddress=127.0.0.1\nstorePathRootDir={}\n\
             mappedFileSizeCommitLog=67108864\nmappedFileSizeConsumeQueue=600000\n",
            user_home.join("store").display()
        ),
    )
    .unwrap();
    let boot = install.start_server(
        "bin/mqbroker",
        &["-n", &ns, "-c", broker_conf.to_str().unwrap()],
        &tmp.0.join("broker.out"),
        "boot success",
    );
    assert!(boot.contains(&format!("and name server is {ns}")), "{boot}");
    let broker_addr = bracketed(&boot, "The broker[")
        .and_then(|s| s.split_once(", "))
        .map(|(_, a)| a.to_string())
        .unwrap();

    // clusterList shows the broker once it has registered.
    let cluster = wait_for(Duration::from_secs(30), || {
        let out = install.mqadmin(&["clusterList", "-n", &ns]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.success() && text.contains(&broker_addr)).then_some(text)
    })
    .expect("clusterList never showed the broker");
    let mut lines = cluster.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("#Cluster Name           #Broker Name            #BID  #Addr"));
    let row = lines.next().unwrap();
    let cols: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        &cols[..5],
        [
            "DefaultCluster",
            "broker-a",
            "0",
            broker_addr.as_str(),
            "V5_3_3"
        ]
    );
    assert_eq!(cols.last(), Some(&"true"), "{row}");

    // updateTopic: one create line per master, then Java's TopicConfig line.
    let out = install.mqadmin_ok(&[
        "updateTopic",
        "-n",
        &ns,
        "-c",
        "DefaultCluster",
        "-t",
        "E2ETopic",
    ]);
    assert_eq!(
        out,
        format!(
            "create topic to {broker_addr} success.\nTopicConfig [topicName=E2ETopic, readQueueNums=8, writeQueueNums=8, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={{}}]\n"
        )
    );
    let topics = wait_for(Duration::from_secs(30), || {
        let t = install.mqadmin_ok(&["topicList", "-n", &ns]);
        t.lines().any(|l| l == "E2ETopic").then_some(t)
    })
    .expect("topicList never listed E2ETopic");
    assert!(topics.lines().any(|l| l == "TBW102"), "{topics}");

    let status = install.mqadmin_ok(&["topicStatus", "-n", &ns, "-t", "E2ETopic"]);
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(
        lines[0],
        "#Broker Name                      #QID  #Min Offset           #Max Offset             #Last Updated"
    );
    for (qid, line) in lines[1..9].iter().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            &cols[..4],
            ["broker-a", &qid.to_string(), "0", "0"],
            "{line}"
        );
    }
    assert_eq!(lines[9], "");
    assert!(lines[10].starts_with("Topic Put TPS: "), "{status}");

    // sendMessage, then read it back with consumeMessage and queryMsgById.
    let sent = install.mqadmin_ok(&[
        "sendMessage",
        "-n",
        &ns,
        "-t",
        "E2ETopic",
        "-p",
        "hello e2e",
        "-k",
        "e2ekey",
        "-c",
        "TagA",
    ]);
    let mut lines = sent.lines();
    assert_eq!(
        lines.next().unwrap(),
        "#Broker Name                      #QID  #Send Result            #MsgId"
    );
    let cols: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    assert_eq!((cols[0], cols[2]), ("broker-a", "SEND_OK"), "{sent}");
    let qid: i32 = cols[1].parse().unwrap();
    let msg_id = cols[3].to_string();

    let consumed = install.mqadmin_ok(&["consumeMessage", "-n", &ns, "-t", "E2ETopic"]);
    assert_eq!(consumed.matches("Consume ok\n").count(), 1, "{consumed}");
    let line = consumed
        .lines()
        .find(|l| l.starts_with("MSGID: "))
        .unwrap_or_else(|| panic!("no message line in:\n{consumed}"));
    assert!(
        line.starts_with(&format!(
            "MSGID: {msg_id} MessageExt [brokerName=broker-a, queueId={qid}, "
        )),
        "{line}"
    );
    assert!(
        line.contains("TAGS=TagA") && line.contains("KEYS=e2ekey"),
        "{line}"
    );
    assert!(line.ends_with("] BODY: hello e2e"), "{line}");
    // Checked last (below): every one of the 8 queues ends with NO_NEW_MSG, which needs the
    // broker to report min offset 0 for a queue never written to, as Java's does.
    let finished_queues = consumed
        .matches(" print msg finished. status=NO_NEW_MSG")
        .count();

    // The unique-key index is written shortly after the message.
    let detail = wait_for(Duration::from_secs(30), || {
        let out = install.mqadmin(&["queryMsgById", "-n", &ns, "-t", "E2ETopic", "-i", &msg_id]);
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        (out.status.success() && text.contains("Topic:")).then_some(text)
    })
    .expect("queryMsgById never found the message");
    let expect_lines = [
        "Topic:               E2ETopic".to_string(),
        "Tags:                [TagA]".to_string(),
        "Keys:                [e2ekey]".to_string(),
        format!("Queue ID:            {qid}"),
        "Queue Offset:        0".to_string(),
        format!("Store Host:          {broker_addr}"),
        format!("Message Body Path:   /tmp/rocketmq/msgbodys/{msg_id}"),
    ];
    for l in &expect_lines {
        assert!(
            detail.lines().any(|x| x == l),
            "{l:?} missing from:\n{detail}"
        );
    }
    assert!(
        detail
            .lines()
            .next()
            .unwrap()
            .starts_with("OffsetID:            "),
        "{detail}"
    );
    assert!(detail.ends_with("\n\nWARN: No Consumer"), "{detail}");
    assert_eq!(
        std::fs::read(format!("/tmp/rocketmq/msgbodys/{msg_id}")).unwrap(),
        b"hello e2e"
    );

    // A failing command: one line on stderr, non-zero exit.
    let bad = install.mqadmin(&["topicRoute", "-n", &ns, "-t", "NoSuchTopicE2E"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("TopicRouteSubCommand command failed: "),
        "{err}"
    );

    // Benchmarks through their scripts for ~10 s, name server from NAMESRV_ADDR.
    install.mqadmin_ok(&[
        "updateTopic",
        "-n",
        &ns,
        "-c",
        "DefaultCluster",
        "-t",
        "E2EBench",
    ]);
    let consumer_out = tmp.0.join("consumer.out");
    let producer_out = tmp.0.join("producer.out");
    let launch = |script: &str, out: &Path, args: &[&str]| {
        let file = std::fs::File::create(out).unwrap();
        let status = install
            .sh(script, args)
            .env("NAMESRV_ADDR", &ns)
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .status()
            .unwrap();
        // The scripts start the tool in the background and return at once, as Java's do.
        assert!(status.success(), "{script} failed");
    };
    launch(
        "benchmark/consumer.sh",
        &consumer_out,
        &["-t", "E2EBench", "-ri", "1000"],
    );
    wait_for(Duration::from_secs(30), || {
        std::fs::read_to_string(&consumer_out)
            .unwrap_or_default()
            .contains("Consumer Started.")
            .then_some(())
    })
    .expect("the benchmark consumer did not start");
    launch(
        "benchmark/producer.sh",
        &producer_out,
        &["-t", "E2EBench", "-w", "4", "-s", "1024", "-ri", "1000"],
    );
    let started = Instant::now();
    // Run until both tools have printed a periodic report (each needs 10 one-second samples;
    // the consumer's clock starts before the producer's, but neither is guaranteed to lead).
    for (tool, out) in [("producer", &producer_out), ("consumer", &consumer_out)] {
        wait_for(Duration::from_secs(30), || {
            std::fs::read_to_string(out)
                .unwrap_or_default()
                .contains("Current Time: ")
                .then_some(())
        })
        .unwrap_or_else(|| panic!("the benchmark {tool} printed no report"));
    }
    assert!(started.elapsed() >= Duration::from_secs(9));
    for (tool, out, marker) in [
        ("producer", &producer_out, "[Summary] Send"),
        ("consumer", &consumer_out, "[Summary] Consume"),
    ] {
        let stop = install
            .sh("benchmark/shutdown.sh", &[tool])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&stop.stdout);
        assert!(stop.status.success(), "shutdown.sh {tool}: {text}");
        assert!(
            text.contains(&format!("Send shutdown request to benchmark {tool}(")),
            "{text}"
        );
        wait_for(Duration::from_secs(30), || {
            std::fs::read_to_string(out)
                .unwrap_or_default()
                .contains(marker)
                .then_some(())
        })
        .unwrap_or_else(|| {
            panic!(
                "{tool} printed no summary:\n{}",
                std::fs::read_to_string(out).unwrap_or_default()
            )
        });
    }
    let produced = std::fs::read_to_string(&producer_out).unwrap();
    assert!(
        produced.starts_with("topic: E2EBench, threadCount: 4, messageSize: 1024, "),
        "{produced}"
    );
    let report = produced
        .lines()
        .find(|l| l.starts_with("Current Time: "))
        .unwrap();
    assert!(
        report.contains(" | Send TPS: ") && report.contains(" | RT p50/p99/p999(ms): "),
        "{report}"
    );
    assert!(number_after(report, "Send TPS: ").unwrap() > 0, "{report}");
    let complete = produced
        .lines()
        .find(|l| l.starts_with("[Complete] Send Total: "))
        .unwrap();
    let sent_total = number_after(complete, "[Complete] Send Total: ").unwrap();
    assert!(sent_total > 0, "{complete}");
    assert!(
        complete.ends_with("| Send Failed: 0 | Response Failed: 0"),
        "{complete}"
    );
    let consumed_text = std::fs::read_to_string(&consumer_out).unwrap();
    let complete = consumed_text
        .lines()
        .find(|l| l.starts_with("[Complete] Consume Total: "))
        .unwrap();
    assert!(
        number_after(complete, "[Complete] Consume Total: ").unwrap() > 0,
        "{consumed_text}"
    );
    assert!(
        consumed_text
            .lines()
            .any(|l| l.starts_with("Current Time: ") && l.contains(" | Consume TPS: ")),
        "{consumed_text}"
    );

    // mqshutdown: graceful stop, waits for the exit; nothing left afterwards.
    for (server, name) in [("broker", "mqbroker"), ("namesrv", "mqnamesrv")] {
        let out = install.sh("bin/mqshutdown", &[server]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "mqshutdown {server}: {text}");
        assert!(
            text.contains(&format!("Send shutdown request to {name}(")),
            "{text}"
        );
    }
    for c in &mut install.servers {
        let status = wait_for(Duration::from_secs(10), || c.try_wait().unwrap())
            .expect("a server still runs after mqshutdown");
        assert!(status.success(), "server exited with {status}");
    }
    let again = install.sh("bin/mqshutdown", &["broker"]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "No mqbroker running.\n"
    );
    assert_eq!(
        finished_queues, 8,
        "consumeMessage did not finish every queue (an empty queue's min offset must be 0, as \
         Java's GET_MIN_OFFSET answers):\n{consumed}"
    );
}

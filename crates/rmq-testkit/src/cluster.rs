//! A set of NameServers and brokers run as processes.

use crate::binaries::binary_path;
use crate::process::ServerProcess;
use anyhow::{anyhow, bail, Context, Result};
use rmq_remoting::netty::processor::RequestDispatcher;
use rmq_remoting::protocol::body::route::ClusterInfo;
use rmq_remoting::{NettyClientConfig, RemotingClient, RemotingCommand, RequestCode, ResponseCode};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

const BOOT_TIMEOUT: Duration = Duration::from_secs(60);

/// One broker of a cluster.
#[derive(Debug, Clone)]
pub struct BrokerSpec {
    pub broker_name: String,
    pub cluster_name: String,
    /// Extra `key=value` lines for its broker.conf.
    pub props: Vec<(String, String)>,
}

impl BrokerSpec {
    /// A master named `name` in `DefaultCluster`.
    pub fn new(name: &str) -> Self {
        BrokerSpec {
            broker_name: name.into(),
            cluster_name: "DefaultCluster".into(),
            props: Vec::new(),
        }
    }

    /// Adds a broker.conf line.
    pub fn prop(mut self, key: &str, value: impl ToString) -> Self {
        self.props.push((key.into(), value.to_string()));
        self
    }
}

/// Builds a [`Cluster`].
#[derive(Debug, Clone)]
pub struct ClusterBuilder {
    namesrvs: usize,
    brokers: Vec<BrokerSpec>,
    namesrv_props: Vec<(String, String)>,
}

impl ClusterBuilder {
    /// Sets the number of NameServers (default 1).
    pub fn namesrvs(mut self, n: usize) -> Self {
        self.namesrvs = n;
        self
    }

    /// Adds `n` brokers named `broker-a`, `broker-b`, ...
    pub fn brokers(mut self, n: usize) -> Self {
        for i in 0..n {
            let name = format!("broker-{}", (b'a' + (self.brokers.len() + i) as u8) as char);
            self.brokers.push(BrokerSpec::new(&name));
        }
        self
    }

    /// Adds a broker.
    pub fn broker(mut self, spec: BrokerSpec) -> Self {
        self.brokers.push(spec);
        self
    }

    /// Adds a line to every NameServer's properties.
    pub fn namesrv_prop(mut self, key: &str, value: impl ToString) -> Self {
        self.namesrv_props.push((key.into(), value.to_string()));
        self
    }

    /// Starts every server as a process and waits until each broker is registered with every
    /// NameServer.
    pub async fn start_processes(self) -> Result<Cluster> {
        let dir = tempfile::Builder::new().prefix("rmq-testkit-").tempdir()?;
        let mut cluster = Cluster {
            dir,
            namesrvs: Vec::new(),
            namesrv_addrs: Vec::new(),
            brokers: Vec::new(),
            specs: self.brokers.clone(),
            namesrv_props: self.namesrv_props.clone(),
            client: RemotingClient::new(
                NettyClientConfig::default(),
                Arc::new(RequestDispatcher::new()),
            ),
        };
        for i in 0..self.namesrvs {
            cluster.start_namesrv(i, pick_port()?)?;
        }
        for i in 0..self.brokers.len() {
            cluster.brokers.push(None);
            cluster.start_broker(i).await?;
        }
        Ok(cluster)
    }
}

/// Running NameServers and brokers; dropping it kills them and removes their directories.
pub struct Cluster {
    dir: tempfile::TempDir,
    namesrvs: Vec<Option<ServerProcess>>,
    namesrv_addrs: Vec<String>,
    brokers: Vec<Option<(ServerProcess, String)>>,
    specs: Vec<BrokerSpec>,
    namesrv_props: Vec<(String, String)>,
    client: RemotingClient,
}

impl Cluster {
    /// Returns a builder with one NameServer and no broker.
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder {
            namesrvs: 1,
            brokers: Vec::new(),
            namesrv_props: Vec::new(),
        }
    }

    /// Returns the NameServer addresses joined with `;`, as clients take them.
    pub fn namesrv_addr(&self) -> String {
        self.namesrv_addrs.join(";")
    }

    /// Returns each NameServer's address.
    pub fn namesrv_addrs(&self) -> &[String] {
        &self.namesrv_addrs
    }

    /// Returns the address broker `i` serves on.
    pub fn broker_addr(&self, i: usize) -> Option<&str> {
        self.brokers.get(i)?.as_ref().map(|(_, a)| a.as_str())
    }

    /// Returns broker `i`'s spec.
    pub fn broker_spec(&self, i: usize) -> &BrokerSpec {
        &self.specs[i]
    }

    /// Returns the store root of broker `i`.
    pub fn broker_store_dir(&self, i: usize) -> PathBuf {
        self.dir
            .path()
            .join(format!("store-{}", self.specs[i].broker_name))
    }

    /// Returns the HOME directory given to broker `i`.
    pub fn broker_home(&self, i: usize) -> PathBuf {
        self.dir
            .path()
            .join(format!("home-{}", self.specs[i].broker_name))
    }

    /// Returns the HOME directory given to NameServer `i`.
    pub fn namesrv_home(&self, i: usize) -> PathBuf {
        self.dir.path().join(format!("home-namesrv-{i}"))
    }

    /// Returns NameServer `i`'s process id, while it runs.
    pub fn namesrv_pid(&self, i: usize) -> Option<u32> {
        self.namesrvs.get(i)?.as_ref()?.pid()
    }

    /// Returns the temp directory everything lives in.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Returns a remoting client for probing the servers.
    pub fn client(&self) -> &RemotingClient {
        &self.client
    }

    fn start_namesrv(&mut self, i: usize, port: u16) -> Result<()> {
        let home = self.namesrv_home(i);
        std::fs::create_dir_all(&home)?;
        let conf = self.dir.path().join(format!("namesrv-{i}.properties"));
        let mut text = format!("listenPort={port}\nbindAddress=127.0.0.1\n");
        for (k, v) in &self.namesrv_props {
            text.push_str(&format!("{k}={v}\n"));
        }
        std::fs::write(&conf, text)?;
        let bin = binary_path("mqnamesrv")?;
        let p = ServerProcess::start(
            &format!("namesrv-{i}"),
            &bin,
            &["-c".into(), conf.display().to_string()],
            &home,
            &self.dir.path().join("logs"),
            "The Name Server boot success",
            BOOT_TIMEOUT,
        )?;
        let port = p
            .boot_line()
            .rsplit(':')
            .next()
            .and_then(|s| s.trim().parse::<u16>().ok())
            .ok_or_else(|| anyhow!("no port in boot line {:?}", p.boot_line()))?;
        let addr = format!("127.0.0.1:{port}");
        if i < self.namesrvs.len() {
            self.namesrvs[i] = Some(p);
            self.namesrv_addrs[i] = addr;
        } else {
            self.namesrvs.push(Some(p));
            self.namesrv_addrs.push(addr);
        }
        Ok(())
    }

    /// Stops NameServer `i` with SIGTERM.
    pub fn stop_namesrv(&mut self, i: usize) {
        if let Some(mut p) = self.namesrvs.get_mut(i).and_then(Option::take) {
            p.terminate(Duration::from_secs(10));
        }
    }

    /// Restarts NameServer `i` on its previous port.
    pub fn restart_namesrv(&mut self, i: usize) -> Result<()> {
        self.stop_namesrv(i);
        let port: u16 = self.namesrv_addrs[i]
            .rsplit(':')
            .next()
            .unwrap_or("0")
            .parse()?;
        self.start_namesrv(i, port)
    }

    /// Starts (or restarts on the same store and port) broker `i` and waits until every
    /// running NameServer lists it.
    pub async fn start_broker(&mut self, i: usize) -> Result<()> {
        let spec = self.specs[i].clone();
        let home = self.broker_home(i);
        let store = self.broker_store_dir(i);
        let port = self
            .broker_addr(i)
            .and_then(|a| a.rsplit(':').next()?.parse::<u16>().ok());
        if let Some(slot) = self.brokers.get_mut(i) {
            if let Some((mut p, _)) = slot.take() {
                p.kill();
            }
        }
        let port = match port {
            Some(p) => p,
            None => pick_port()?,
        };
        let conf = self
            .dir
            .path()
            .join(format!("broker-{}.conf", spec.broker_name));
        let mut text = format!(
            "brokerClusterName={}\nbrokerName={}\nbrokerId=0\nlistenPort={port}\nbrokerIP1=127.0.0.1\n\
             bindAddress=127.0.0.1\nstorePathRootDir={}\nnamesrvAddr={}\n\
             mappedFileSizeCommitLog=67108864\nmappedFileSizeConsumeQueue=600000\n",
            spec.cluster_name,
            spec.broker_name,
            store.display(),
            self.namesrv_addr(),
        );
        for (k, v) in &spec.props {
            text.push_str(&format!("{k}={v}\n"));
        }
        std::fs::write(&conf, text)?;
        let bin = binary_path("mqbroker")?;
        let p = ServerProcess::start(
            &format!("broker-{}", spec.broker_name),
            &bin,
            &["-c".into(), conf.display().to_string()],
            &home,
            &self.dir.path().join("logs"),
            "boot success",
            BOOT_TIMEOUT,
        )?;
        // `The broker[broker-a, 127.0.0.1:10911] boot success...`
        let addr = p
            .boot_line()
            .split_once(", ")
            .and_then(|(_, rest)| rest.split_once(']'))
            .map(|(a, _)| a.trim().to_string())
            .ok_or_else(|| anyhow!("no address in boot line {:?}", p.boot_line()))?;
        while self.brokers.len() <= i {
            self.brokers.push(None);
        }
        self.brokers[i] = Some((p, addr.clone()));
        self.wait_registered(&spec.broker_name, &addr, Duration::from_secs(30))
            .await
    }

    /// Kills broker `i` with SIGKILL.
    pub fn kill_broker(&mut self, i: usize) {
        if let Some((p, _)) = self.brokers.get_mut(i).and_then(Option::as_mut) {
            p.kill();
        }
    }

    /// Stops broker `i` with SIGTERM; returns whether it exited cleanly in time.
    pub fn stop_broker(&mut self, i: usize) -> bool {
        match self.brokers.get_mut(i).and_then(Option::as_mut) {
            Some((p, _)) => p
                .terminate(Duration::from_secs(30))
                .is_some_and(|s| s.success()),
            None => false,
        }
    }

    /// Returns the cluster info one NameServer reports.
    pub async fn cluster_info(&self, namesrv: &str) -> Result<ClusterInfo> {
        let req = RemotingCommand::new_request(RequestCode::GET_BROKER_CLUSTER_INFO);
        let resp = self.client.invoke(namesrv, req, 3000).await?;
        if resp.response_code() != ResponseCode::SUCCESS {
            bail!("cluster info failed: {:?}", resp.remark);
        }
        Ok(rmq_remoting::protocol::body::decode(&resp.body)?)
    }

    async fn wait_registered(
        &self,
        broker_name: &str,
        addr: &str,
        timeout: Duration,
    ) -> Result<()> {
        let deadline = Instant::now() + timeout;
        for (i, ns) in self.namesrv_addrs.iter().enumerate() {
            if self.namesrvs.get(i).is_none_or(Option::is_none) {
                continue;
            }
            loop {
                let ok = match self.cluster_info(ns).await {
                    Ok(ci) => ci
                        .broker_addr_table
                        .get(broker_name)
                        .is_some_and(|bd| bd.broker_addrs.values().any(|a| a == addr)),
                    Err(_) => false,
                };
                if ok {
                    break;
                }
                if Instant::now() > deadline {
                    bail!("broker {broker_name} ({addr}) not registered with {ns} in {timeout:?}");
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Ok(())
    }

    /// Returns the output tail of every process, for failure messages.
    pub fn logs(&self) -> String {
        let mut s = String::new();
        for p in self.namesrvs.iter().flatten() {
            s.push_str(&p.log_tail());
            s.push('\n');
        }
        for (p, _) in self.brokers.iter().flatten() {
            s.push_str(&p.log_tail());
            s.push('\n');
        }
        s
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for (p, _) in self.brokers.iter_mut().flatten() {
            p.kill();
        }
        for p in self.namesrvs.iter_mut().flatten() {
            p.kill();
        }
    }
}

/// A port P below the kernel's ephemeral range (32768 and up) with P-2, P-1, P and P+1 free
/// (a broker binds P, its fast channel P-2 and its HA port P+1). Servers are restarted on
/// their port; an ephemeral port could meanwhile be the local end of any outgoing
/// connection on the machine, one below it only of a server that chose it.
pub fn pick_port() -> Result<u16> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let free = |p: u16| std::net::TcpListener::bind(("127.0.0.1", p)).is_ok();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64)
        ^ (u64::from(std::process::id()) << 20);
    for _ in 0..500 {
        let n = seed.wrapping_add(COUNTER.fetch_add(7919, Ordering::Relaxed));
        let p = 20_000 + (n % 12_000) as u16;
        if (p - 2..=p + 1).all(free) {
            return Ok(p);
        }
    }
    Err(anyhow!("no free port in 20000..32000"))
}

/// Waits until `f` returns `Some`, polling every 100 ms, for up to `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut f: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f().await {
            return Ok(v);
        }
        if Instant::now() > deadline {
            return Err(anyhow!("condition not met within {timeout:?}")).context("eventually");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

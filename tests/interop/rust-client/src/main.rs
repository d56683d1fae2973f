//! `rmq-client-scenarios`: the acceptance scenarios of rmq-client, run against a Java or an
//! rmq NameServer + broker. Each subcommand prints what it measured and exits non-zero on
//! failure. See `tests/interop/client.sh`.

use rmq_client_scenarios::{scenarios, transaction_crash, xlang, Common};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "rmq-client-scenarios",
    about = "rmq-client acceptance scenarios"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// sync, async, oneway and batch sends (N each) to a clustering group of 2 consumers.
    SendModes {
        #[command(flatten)]
        c: Common,
        #[arg(short = 'c', long, default_value_t = 10_000)]
        count: usize,
    },
    /// `TagA || TagB` delivers only those tags.
    TagFilter {
        #[command(flatten)]
        c: Common,
    },
    /// `MessageSelector::by_sql` delivers only matching messages (broker needs
    /// enablePropertyFilter=true).
    SqlFilter {
        #[command(flatten)]
        c: Common,
    },
    /// Lite pull consumer: assign, seek, commit, and the Stream API.
    LitePull {
        #[command(flatten)]
        c: Common,
    },
    /// Selector sends and 2 orderly consumers keep per-queue order.
    Orderly {
        #[command(flatten)]
        c: Common,
        #[arg(long, default_value_t = 16)]
        orders: usize,
        #[arg(long, default_value_t = 50)]
        steps: usize,
    },
    /// RECONSUME_LATER goes through %RETRY% and ends in %DLQ% after maxReconsumeTimes.
    RetryDlq {
        #[command(flatten)]
        c: Common,
        #[arg(long, default_value_t = 2)]
        max_reconsume_times: i32,
    },
    /// A delay-level-2 message arrives after at least 5 s.
    Delay {
        #[command(flatten)]
        c: Common,
    },
    /// Transactional producer: COMMIT delivers, ROLLBACK never, UNKNOW is resolved by the
    /// broker's check.
    Transaction {
        #[command(flatten)]
        c: Common,
    },
    /// Half messages answered UNKNOW until --release-file exists; prints KILL-BROKER-NOW once
    /// each was checked (the script kills and restarts the broker, then creates the file); the
    /// restarted broker's check-back must commit every one.
    TransactionCrash {
        #[command(flatten)]
        c: Common,
        #[arg(short = 'c', long, default_value_t = 10)]
        count: usize,
        #[arg(long)]
        release_file: String,
    },
    /// Two BROADCASTING consumers both receive everything.
    Broadcast {
        #[command(flatten)]
        c: Common,
    },
    /// The admin API: cluster, topics, offsets, queries, connections, running info.
    Admin {
        #[command(flatten)]
        c: Common,
    },
    /// Produce and consume continuously (for broker / name server restarts during the run);
    /// every successfully sent message must arrive.
    Soak {
        #[command(flatten)]
        c: Common,
        #[arg(long, default_value_t = 40)]
        duration_s: u64,
        /// Messages per second.
        #[arg(long, default_value_t = 200)]
        rate: u64,
        /// How long to wait for stragglers after producing.
        #[arg(long, default_value_t = 120)]
        drain_timeout_s: u64,
        /// File touched when producing started (for the driving script).
        #[arg(long)]
        ready_file: Option<String>,
    },
    /// Request signing against a broker with ACL 2.0: allowed send, refused topic, wrong
    /// secret, pull without SUB (users and ACLs set up by tests/interop/acl.sh).
    Acl {
        #[command(flatten)]
        a: rmq_client_scenarios::acl::AclArgs,
    },
    /// Waits until every name server routes TBW102 to a broker.
    WaitBroker {
        #[command(flatten)]
        c: Common,
    },
    /// Sends N messages and writes what was sent (for a Java consumer to check).
    XlangProduce {
        #[command(flatten)]
        c: Common,
        #[arg(short = 'c', long, default_value_t = 1000)]
        count: usize,
        #[arg(long)]
        out: String,
    },
    /// Consumes what a Java producer sent and compares with its file.
    XlangConsume {
        #[command(flatten)]
        c: Common,
        #[arg(long)]
        expect: String,
        #[arg(long)]
        group: Option<String>,
    },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RMQ_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let (name, r) = match cli.cmd {
        Cmd::SendModes { c, count } => ("send-modes", scenarios::send_modes(&c, count).await),
        Cmd::TagFilter { c } => ("tag-filter", scenarios::tag_filter(&c).await),
        Cmd::SqlFilter { c } => ("sql-filter", scenarios::sql_filter(&c).await),
        Cmd::LitePull { c } => ("lite-pull", scenarios::lite_pull(&c).await),
        Cmd::Orderly { c, orders, steps } => {
            ("orderly", scenarios::orderly(&c, orders, steps).await)
        }
        Cmd::RetryDlq {
            c,
            max_reconsume_times,
        } => (
            "retry-dlq",
            scenarios::retry_dlq(&c, max_reconsume_times).await,
        ),
        Cmd::Delay { c } => ("delay", scenarios::delay(&c).await),
        Cmd::Transaction { c } => ("transaction", scenarios::transaction(&c).await),
        Cmd::TransactionCrash {
            c,
            count,
            release_file,
        } => (
            "transaction-crash",
            transaction_crash::transaction_crash(&c, count, &release_file).await,
        ),
        Cmd::Broadcast { c } => ("broadcast", scenarios::broadcast(&c).await),
        Cmd::Admin { c } => ("admin", scenarios::admin_api(&c).await),
        Cmd::Soak {
            c,
            duration_s,
            rate,
            drain_timeout_s,
            ready_file,
        } => (
            "soak",
            scenarios::soak(&c, duration_s, rate, drain_timeout_s, ready_file).await,
        ),
        Cmd::Acl { a } => ("acl", rmq_client_scenarios::acl::run(&a).await),
        Cmd::WaitBroker { c } => ("wait-broker", scenarios::wait_broker(&c).await),
        Cmd::XlangProduce { c, count, out } => {
            ("xlang-produce", xlang::produce(&c, count, &out).await)
        }
        Cmd::XlangConsume { c, expect, group } => {
            ("xlang-consume", xlang::consume(&c, &expect, group).await)
        }
    };
    match r {
        Ok(()) => println!("PASS {name}"),
        Err(e) => {
            println!("FAIL {name}: {e:#}");
            std::process::exit(1);
        }
    }
}

package rmq.interop.broker;

import java.util.LinkedHashMap;
import java.util.Map;
import rmq.interop.common.Opts;

/**
 * Broker acceptance checks with the official Java client against the broker under test.
 *
 * <pre>
 *   BrokerScenarios &lt;subcommand&gt; -n NAMESRV [options]
 * </pre>
 *
 * Each subcommand prints what it measured, exits 0 on success, 1 with a line starting
 * {@code FAIL <subcommand>:} on a failed check, 2 on a bad command line.
 */
public final class BrokerScenarios {
    /** A scenario: options in, exit status out; throws {@link Opts.CheckFailed} on a failed check. */
    @FunctionalInterface
    interface Scenario {
        int run(Opts opts) throws Exception;
    }

    private static final Map<String, String> USAGE = new LinkedHashMap<>();
    private static final Map<String, Scenario> SCENARIOS = new LinkedHashMap<>();

    static {
        register("send-modes", "send-modes -n NS -t TOPIC [-c 10000] [--timeout-s 300]", SendModes::run);
        register("tags", "tags -n NS -t TOPIC [-c 300]", TagsAndLitePull::tags);
        register("lite-pull", "lite-pull -n NS -t TOPIC [-c 200]", TagsAndLitePull::litePull);
        register("orderly", "orderly -n NS -t TOPIC [-c 2000] [--orders 20]", OrderlyRetryDelay::orderly);
        register("retry-dlq", "retry-dlq -n NS -t TOPIC [--wait-ms 120000]", OrderlyRetryDelay::retryDlq);
        register("delay", "delay -n NS -t TOPIC [--level 2] [--min-ms 5000]", OrderlyRetryDelay::delay);
        register("request-reply", "request-reply -n NS -t TOPIC [-c 20]", RequestReply::run);
        register("crash-produce-consume",
            "crash-produce-consume -n NS -t TOPIC -g GROUP [-c 20000] [--kill-after 8000] [--timeout-s 300]",
            CrashRestart::run);
        register("transaction", "transaction -n NS -t TOPIC [-c 30] [--timeout-s 120] [--quiet-ms 5000]",
            Transactions::run);
        register("transaction-crash",
            "transaction-crash -n NS -t TOPIC --release-file PATH [-c 10] [--timeout-s 180]", Transactions::crash);
        register("two-namesrv",
            "two-namesrv -n NS1;NS2 -t TOPIC --stop-addr NS1 --live-addr NS2 [--broker-name broker-a]",
            TwoNamesrv::run);
        register("mqadmin", "mqadmin -n NS -t TOPIC --broker-addr ADDR [--cluster DefaultCluster]", MqadminChecks::run);
        register("bench-producer",
            "bench-producer -n NS -t TOPIC [-w 64] [-s 1024] [--seconds 30] [--label TEXT]", BenchProducer::run);
    }

    private BrokerScenarios() {
    }

    static void register(String name, String usage, Scenario s) {
        USAGE.put(name, usage);
        SCENARIOS.put(name, s);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new Opts.CheckFailed(what);
        }
    }

    static String tag(String name) {
        return "[" + name + "]";
    }

    public static void main(String[] args) {
        quietClientLogs();
        if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
            System.out.println(args.length == 0 ? "no subcommand" : "unknown subcommand " + args[0]);
            System.out.println("usage: BrokerScenarios <subcommand> ...");
            for (String u : USAGE.values()) {
                System.out.println("  " + u);
            }
            System.exit(2);
        }
        String name = args[0];
        int rc;
        try {
            rc = SCENARIOS.get(name).run(Opts.parse(args, 1));
        } catch (Opts.UsageException e) {
            System.out.println("usage error: " + e.getMessage());
            System.out.println("usage: BrokerScenarios " + USAGE.get(name));
            rc = 2;
        } catch (Opts.CheckFailed e) {
            System.out.println("FAIL " + name + ": " + e.getMessage());
            rc = 1;
        } catch (Throwable e) {
            System.out.println("FAIL " + name + ": unexpected " + e);
            e.printStackTrace(System.out);
            rc = 1;
        }
        System.out.flush();
        System.exit(rc);
    }

    /** Same choice as the harness's {@code Logging}: the client's logback config, quiet status. */
    static void quietClientLogs() {
        if (System.getProperty("rmq.logback.configurationFile") == null) {
            System.setProperty("rmq.logback.configurationFile", "rmq.client.logback.xml");
        }
        if (System.getProperty("logback.statusListenerClass") == null) {
            System.setProperty("logback.statusListenerClass",
                "org.apache.rocketmq.logging.ch.qos.logback.core.status.NopStatusListener");
        }
    }
}

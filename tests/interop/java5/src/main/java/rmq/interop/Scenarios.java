package rmq.interop;

import java.util.LinkedHashMap;
import java.util.Map;
import rmq.interop.common.Opts;
import rmq.interop.common.ProduceConsume;

/**
 * Entry point for the behavioural checks run against a NameServer (and broker) under test.
 *
 * <pre>
 *   Scenarios &lt;subcommand&gt; -n NAMESRV [options]
 * </pre>
 *
 * Each subcommand prints what it measured, exits 0 on success, 1 with a line starting
 * {@code FAIL <subcommand>:} on a failed check, 2 on a bad command line.
 *
 * To add a subcommand: write a class with a {@code static int run(Opts)} and a usage string,
 * and register it in {@link #SCENARIOS}.
 */
public final class Scenarios {
    /** A scenario: parsed options in, exit status out; throws {@link Opts.CheckFailed} on a failed check. */
    @FunctionalInterface
    public interface Scenario {
        int run(Opts opts) throws Exception;
    }

    private static final class Entry {
        final String usage;
        final Scenario scenario;

        Entry(String usage, Scenario scenario) {
            this.usage = usage;
            this.scenario = scenario;
        }
    }

    private static final Map<String, Entry> SCENARIOS = new LinkedHashMap<>();

    static {
        register("produce-consume", ProduceConsume.USAGE, ProduceConsume::run);
        register("admin-read", AdminScenarios.ADMIN_READ_USAGE, AdminScenarios::adminRead);
        register("wait-broker-gone", AdminScenarios.WAIT_BROKER_GONE_USAGE, AdminScenarios::waitBrokerGone);
        register("wait-broker", AdminScenarios.WAIT_BROKER_USAGE, AdminScenarios::waitBroker);
        register("namesrv-basics", NamesrvBasics.USAGE, NamesrvBasics::run);
    }

    static void register(String name, String usage, Scenario s) {
        SCENARIOS.put(name, new Entry(usage, s));
    }

    public static void main(String[] args) {
        Logging.quietClientLogs();
        if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
            usage(args.length == 0 ? "no subcommand" : "unknown subcommand " + args[0]);
            System.exit(2);
        }
        String name = args[0];
        int rc;
        try {
            rc = SCENARIOS.get(name).scenario.run(Opts.parse(args, 1));
        } catch (Opts.UsageException e) {
            System.out.println("usage error: " + e.getMessage());
            System.out.println("usage: Scenarios " + SCENARIOS.get(name).usage);
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
        // Client libraries leave non-daemon threads behind; do not wait for them.
        System.exit(rc);
    }

    private static void usage(String why) {
        System.out.println(why);
        System.out.println("usage: Scenarios <subcommand> ...");
        for (Entry e : SCENARIOS.values()) {
            System.out.println("  " + e.usage);
        }
    }
}

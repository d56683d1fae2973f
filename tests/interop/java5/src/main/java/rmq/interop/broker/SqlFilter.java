package rmq.interop.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import rmq.interop.common.Opts;

/**
 * sql-filter: a push consumer subscribed with {@code MessageSelector.bySql(...)} (the broker
 * must run with {@code enablePropertyFilter=true}) receives exactly the messages whose
 * properties match, and a selector that does not compile makes {@code start()} fail with the
 * broker's SUBSCRIPTION_PARSE_FAILED and the parser's message.
 *
 * <pre>
 *   SqlFilter -n NAMESRV -t TOPIC [-c 120]
 * </pre>
 *
 * Exits 0 on success, 1 with a line starting {@code FAIL sql-filter:} on a failed check, 2 on a
 * bad command line.
 */
public final class SqlFilter {
    private static final int SUBSCRIPTION_PARSE_FAILED = 23;

    private SqlFilter() {
    }

    public static void main(String[] args) {
        BrokerScenarios.quietClientLogs();
        int rc;
        try {
            rc = run(Opts.parse(args, 0));
        } catch (Opts.UsageException e) {
            System.out.println("usage error: " + e.getMessage());
            System.out.println("usage: SqlFilter -n NAMESRV -t TOPIC [-c 120]");
            rc = 2;
        } catch (Opts.CheckFailed e) {
            System.out.println("FAIL sql-filter: " + e.getMessage());
            rc = 1;
        } catch (Throwable e) {
            System.out.println("FAIL sql-filter: unexpected " + e);
            e.printStackTrace(System.out);
            rc = 1;
        }
        System.out.flush();
        System.exit(rc);
    }

    /** The property {@code b} of message {@code i}: "x", absent or "y". */
    private static String b(int i) {
        return i % 3 == 0 ? "x" : i % 3 == 1 ? null : "y";
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 120);
        String run = Clients.run();
        String selector = "bsRun = '" + run + "' AND a BETWEEN 10 AND 99 AND (TAGS = 'TagA' OR b = 'x')"
            + " AND b IS NOT NULL AND a NOT IN ('42', '48')";
        // The same condition, in Java, for the messages sent below.
        Set<Integer> expected = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            String b = b(i);
            boolean tagA = i % 2 == 0;
            if (i >= 10 && i <= 99 && (tagA || "x".equals(b)) && b != null && i != 42 && i != 48) {
                expected.add(i);
            }
        }
        DefaultMQProducer p = Clients.producer(ns, "bs_sql_pg_" + run);
        try {
            for (int i = 0; i < count + 5; i++) {
                Message m = Clients.message(topic, run, i, i % 2 == 0 ? "TagA" : "TagB");
                if (i < count) {
                    m.putUserProperty("a", Integer.toString(i));
                    if (b(i) != null) {
                        m.putUserProperty("b", b(i));
                    }
                } else {
                    // No "a": unknown, never delivered.
                    m.putUserProperty("b", "x");
                }
                SendResult r = p.send(m);
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "send " + r);
            }
        } finally {
            p.shutdown();
        }

        // A selector that does not compile: start() fails with the broker's answer.
        DefaultMQPushConsumer bad = Clients.pushConsumer(ns, "bs_sql_bad_cg_" + run, "bs_sql_bad_c_" + run);
        bad.subscribe(topic, MessageSelector.bySql("a = = 1"));
        bad.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        MQClientException refused = null;
        try {
            bad.start();
        } catch (MQClientException e) {
            refused = e;
        } finally {
            bad.shutdown();
        }
        BrokerScenarios.check(refused != null, "a consumer with selector 'a = = 1' started");
        System.out.printf("[sql-filter] 'a = = 1' refused: code %d, %s%n", refused.getResponseCode(),
            refused.getErrorMessage() == null ? null : refused.getErrorMessage().split("\n")[0]);
        BrokerScenarios.check(refused.getResponseCode() == SUBSCRIPTION_PARSE_FAILED,
            "check client config answered " + refused.getResponseCode() + " " + refused.getErrorMessage());
        BrokerScenarios.check(refused.getErrorMessage() != null && refused.getErrorMessage()
                .startsWith("org.apache.rocketmq.filter.parser.ParseException: Encountered \" \"=\" \"= \"\" at line 1, column 5."),
            "remark " + refused.getErrorMessage());

        Set<Integer> got = new ConcurrentSkipListSet<>();
        List<String> wrong = new ArrayList<>();
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, "bs_sql_cg_" + run, "bs_sql_c_" + run);
        c.subscribe(topic, MessageSelector.bySql(selector));
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String idx = m.getUserProperty(Clients.P_INDEX);
                String diff = Clients.check(topic, run, m, null);
                if (diff != null || !expected.contains(Integer.parseInt(idx))) {
                    synchronized (wrong) {
                        wrong.add(diff != null ? diff : "#" + idx + " a=" + m.getUserProperty("a")
                            + " b=" + m.getUserProperty("b") + " tags=" + m.getTags());
                    }
                }
                got.add(Integer.parseInt(idx));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        boolean all = Clients.waitFor(60000, () -> got.containsAll(expected));
        // Give a message outside the selector the chance to show up before judging.
        Thread.sleep(2000);
        c.shutdown();
        System.out.printf("[sql-filter] selector %s: received %d of %d sent, expected %d%n", selector,
            got.size(), count + 5, expected.size());
        BrokerScenarios.check(wrong.isEmpty(), "delivered outside the selector: " + wrong);
        BrokerScenarios.check(all && got.equals(expected), "received " + got + ", expected " + expected);
        System.out.println("[sql-filter] OK");
        return 0;
    }
}

package rmq.interop.broker;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.command.MQAdminStartup;
import rmq.interop.common.Opts;

/**
 * mqadmin: runs Java's {@code mqadmin} (MQAdminStartup, in process, output captured) against
 * the broker under test and checks each answer: clusterList, topicList, topicRoute,
 * topicStatus, updateTopic, deleteTopic, consumerProgress, consumerConnection, queryMsgById,
 * queryMsgByKey, brokerStatus, getBrokerConfig, updateSubGroup; beyond the acceptance list:
 * queryCq and statsAll (sampled every 10 s).
 */
final class MqadminChecks {
    private static final int MESSAGES = 10;

    private MqadminChecks() {
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        String brokerAddr = o.require("broker-addr");
        String cluster = o.get("cluster", "DefaultCluster");
        String run = Clients.run();
        String key = "mqadmin-key-" + run;
        String group = "bs_adm_cg_" + run;
        List<String> failures = new ArrayList<>();

        DefaultMQProducer p = Clients.producer(ns, "bs_adm_pg_" + run);
        SendResult first = null;
        try {
            for (int i = 0; i < MESSAGES; i++) {
                Message m = new Message(topic, "TagAdm", key, ("mqadmin " + i).getBytes(StandardCharsets.UTF_8));
                m.putUserProperty(Clients.P_RUN, run);
                SendResult r = p.send(m);
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "send " + r);
                if (first == null) {
                    first = r;
                }
            }
        } finally {
            p.shutdown();
        }
        AtomicInteger consumed = new AtomicInteger();
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, group, "bs_adm_c_" + run);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (run.equals(m.getUserProperty(Clients.P_RUN))) {
                    consumed.incrementAndGet();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        try {
            BrokerScenarios.check(Clients.waitFor(60000, () -> consumed.get() >= MESSAGES), "consumer got " + consumed);
            // The client commits its offsets every 5 s, the first time 10 s after it started.
            String newTopic = "BsAdmTopic_" + run;
            String subGroup = "bs_adm_sg_" + run;

            expect(failures, "clusterList", admin("clusterList", "-n", ns), cluster, brokerAddr, "#Cluster Name");
            expect(failures, "topicList", admin("topicList", "-n", ns), topic);
            expect(failures, "topicRoute", admin("topicRoute", "-n", ns, "-t", topic), "\"brokerDatas\"", "\"queueDatas\"",
                brokerAddr);
            expect(failures, "topicStatus", admin("topicStatus", "-n", ns, "-t", topic), "#Broker Name", "#Max Offset");
            expect(failures, "updateTopic",
                admin("updateTopic", "-n", ns, "-c", cluster, "-t", newTopic, "-r", "3", "-w", "3"),
                "create topic to " + brokerAddr + " success.", "TopicConfig [topicName=" + newTopic
                    + ", readQueueNums=3, writeQueueNums=3, perm=RW-");
            expect(failures, "topicList after updateTopic", waitFor(() -> admin("topicList", "-n", ns), newTopic), newTopic);
            expect(failures, "deleteTopic", admin("deleteTopic", "-n", ns, "-c", cluster, "-t", newTopic),
                "delete topic [" + newTopic + "] from cluster [" + cluster + "] success.",
                "delete topic [" + newTopic + "] from NameServer success.");
            // Until the first offset commit the broker reports no rows, and "Diff Total: 0" alone
            // holds for an empty table: wait for the topic's rows too.
            String progress = waitFor(() -> admin("consumerProgress", "-n", ns, "-g", group), 40, topic,
                "Consume Diff Total: 0");
            expect(failures, "consumerProgress", progress, "#Topic", "#Consumer Offset", topic, "Consume Diff Total: 0");
            expect(failures, "consumerConnection", admin("consumerConnection", "-n", ns, "-g", group), "#ClientId",
                "bs_adm_c_" + run, "ConsumeType: CONSUME_PASSIVELY", "MessageModel: CLUSTERING");
            expect(failures, "queryMsgById (offset id)",
                admin("queryMsgById", "-n", ns, "-t", topic, "-i", first.getOffsetMsgId()),
                "OffsetID:", "Topic:", topic, key);
            expect(failures, "queryMsgById (unique key)",
                admin("queryMsgById", "-n", ns, "-t", topic, "-i", first.getMsgId()), "Topic:", topic, key);
            String byKey = waitFor(() -> admin("queryMsgByKey", "-n", ns, "-t", topic, "-k", key), first.getMsgId());
            expect(failures, "queryMsgByKey", byKey, "#Message ID", first.getMsgId());
            expect(failures, "brokerStatus", admin("brokerStatus", "-n", ns, "-b", brokerAddr), "brokerVersionDesc",
                "putTps", "msgPutTotalTodayNow");
            expect(failures, "getBrokerConfig", admin("getBrokerConfig", "-n", ns, "-b", brokerAddr),
                "============" + brokerAddr + "============", "brokerClusterName", "autoCreateTopicEnable");
            expect(failures, "updateSubGroup", admin("updateSubGroup", "-n", ns, "-c", cluster, "-g", subGroup),
                "create subscription group to " + brokerAddr + " success.",
                "SubscriptionGroupConfig{groupName=" + subGroup + ", consumeEnable=true");
            expect(failures, "queryCq",
                admin("queryCq", "-n", ns, "-t", topic, "-q", "0", "-i", "0", "-c", "2", "-b", brokerAddr, "-g", group),
                "Subscription data:", "Queue data: ", "idx: 0", "physicOffset=");
            expect(failures, "statsAll", statsAll(ns, topic, group), "OK");
        } finally {
            c.shutdown();
        }
        if (!failures.isEmpty()) {
            throw new Opts.CheckFailed(failures.size() + " mqadmin checks failed: " + failures);
        }
        System.out.println("[mqadmin] OK");
        return 0;
    }

    /**
     * statsAll: the row of (topic, group) shows the 10 messages in and out once the broker's
     * 10-second sampling ran: {@code topic group accumulate inTPS outTPS in24h out24h}.
     */
    private static String statsAll(String ns, String topic, String group) throws Exception {
        String out = "";
        for (int i = 0; i < 30; i++) {
            out = admin("statsAll", "-n", ns, "-t", topic);
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 7 && f[0].equals(topic) && f[1].equals(group)
                    && Long.parseLong(f[5]) >= MESSAGES && Long.parseLong(f[6]) >= MESSAGES) {
                    return "OK " + line;
                }
            }
            Thread.sleep(1000);
        }
        return out;
    }

    private interface Command {
        String run() throws Exception;
    }

    /** Re-runs a command until its output contains `want` (for eventually consistent views). */
    private static String waitFor(Command cmd, String want) throws Exception {
        return waitFor(cmd, 20, want);
    }

    /** Runs `cmd` until its output contains every one of `wants`, at most `tries` runs 500 ms apart. */
    private static String waitFor(Command cmd, int tries, String... wants) throws Exception {
        String out = "";
        for (int i = 0; i < tries; i++) {
            out = cmd.run();
            final String current = out;
            if (java.util.Arrays.stream(wants).allMatch(current::contains)) {
                return out;
            }
            Thread.sleep(500);
        }
        return out;
    }

    private static void expect(List<String> failures, String what, String output, String... needles) {
        List<String> missing = new ArrayList<>();
        for (String n : needles) {
            if (!output.contains(n)) {
                missing.add(n);
            }
        }
        boolean error = output.contains("Exception") || output.contains("command failed");
        System.out.printf("---- mqadmin %s: %s%n%s%n", what, missing.isEmpty() && !error ? "OK" : "FAIL", output.trim());
        if (!missing.isEmpty()) {
            failures.add(what + " lacks " + missing);
        } else if (error) {
            failures.add(what + " printed an exception");
        }
    }

    /** Runs mqadmin in this process and returns what it printed (stdout and stderr). */
    static synchronized String admin(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            MQAdminStartup.main(args);
        } catch (Throwable t) {
            t.printStackTrace(capture);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}

/*
 * rmq interop: runs the same mqadmin command lines with Java's MQAdminStartup (the RocketMQ
 * version this class was built against: 5.3.3, or 5.5.0 from target-5.5.0; in this JVM, stdout captured) and with rmq's mqadmin (a subprocess), against the same servers, and
 * compares the two outputs after removing what legitimately differs (times, rates, message
 * ids, and the order of Java's HashMap/Properties iterations).
 *
 * Usage: ToolsInterop --namesrv ADDR --broker ADDR --broker-name NAME --cluster NAME
 *                     --rmq-admin PATH [--only case1,case2] [--skip case1,case2]
 * Prints "OK <case>" or "FAIL <case>" with both normalized outputs; exits 1 if a case failed.
 */
package rmq.interop.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.admin.ConsumeStats;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

public final class ToolsInterop {
    private ToolsInterop() {
    }

    /** One compared command line. */
    private static final class Case {
        final String name;
        final String[] args;
        final Function<String, String> normalize;

        Case(String name, Function<String, String> normalize, String... args) {
            this.name = name;
            this.args = args;
            this.normalize = normalize;
        }
    }

    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(,\\d{3})?");
    private static final Pattern PROPS = Pattern.compile("(Properties: +\\{|properties=\\{)([^}]*)\\}");

    static String exact(String s) {
        return s;
    }

    static String sortedLines(String s) {
        List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
        Collections.sort(lines);
        return String.join("\n", lines);
    }

    /** Sorts the entries of printed message property maps (Java's order is HashMap order). */
    static String sortProps(String s) {
        Matcher m = PROPS.matcher(s);
        StringBuffer out = new StringBuffer();
        while (m.find()) {
            List<String> entries = new ArrayList<>(Arrays.asList(m.group(2).split(", ")));
            Collections.sort(entries);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + String.join(", ", entries) + "}"));
        }
        m.appendTail(out);
        return out.toString();
    }

    static Function<String, String> mask(String regex, String replacement) {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        return s -> p.matcher(s).replaceAll(replacement);
    }

    /** Keeps the whitespace-separated columns `keep` of every line (others are volatile). */
    static Function<String, String> columns(int... keep) {
        return s -> {
            StringBuilder b = new StringBuilder();
            for (String line : s.split("\n", -1)) {
                String[] cols = line.trim().split("\\s+");
                List<String> kept = new ArrayList<>();
                for (int k : keep) {
                    int i = k < 0 ? cols.length + k : k;
                    if (i >= 0 && i < cols.length) {
                        kept.add(cols[i]);
                    }
                }
                b.append(String.join(" ", kept)).append('\n');
            }
            return b.toString();
        };
    }

    /** Keeps the keys of `key : value` lines, sorted. */
    static String keys(String s) {
        Set<String> k = new HashSet<>();
        for (String line : s.split("\n")) {
            int i = line.indexOf(": ");
            if (i > 0) {
                k.add(line.substring(0, i).trim());
            }
        }
        List<String> l = new ArrayList<>(k);
        Collections.sort(l);
        return String.join("\n", l);
    }

    private static final Pattern TRACK_DESC = Pattern.compile("exceptionDesc=[^\\]]*\\]");

    /**
     * Message details: property maps sorted, MessageTrack lines sorted, and their exception
     * texts masked (Java adds the exception class and its first stack frame).
     */
    /** Polls ToolsCG's consume stats until no queue lags behind its max offset. */
    static void waitOffsetsCommitted(String ns, String group, long timeoutMs) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(ns);
        admin.setInstanceName("tools-interop-offsets");
        admin.start();
        try {
            long deadline = System.currentTimeMillis() + timeoutMs;
            long lag = -1;
            while (System.currentTimeMillis() < deadline) {
                try {
                    ConsumeStats cs = admin.examineConsumeStats(group);
                    lag = 0;
                    for (OffsetWrapper w : cs.getOffsetTable().values()) {
                        lag += w.getBrokerOffset() - w.getConsumerOffset();
                    }
                    if (lag == 0 && !cs.getOffsetTable().isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    lag = -1;
                }
                Thread.sleep(500);
            }
            System.out.println("FAIL setup: " + group + "'s offsets not committed within " + timeoutMs + " ms (lag " + lag + ")");
            System.exit(1);
        } finally {
            admin.shutdown();
        }
    }

    static String messageDetail(String s) {
        return sortedAfterBlank(TRACK_DESC.matcher(sortProps(s)).replaceAll("exceptionDesc=<DESC>]"));
    }

    /** Sorts the MessageTrack lines that follow the two blank lines (Java's HashSet order). */
    static String sortedAfterBlank(String s) {
        int i = s.indexOf("\n\n\n");
        if (i < 0) {
            return s;
        }
        return s.substring(0, i + 3) + sortedLines(s.substring(i + 3));
    }

    @SafeVarargs
    static Function<String, String> chain(Function<String, String>... fs) {
        return s -> {
            for (Function<String, String> f : fs) {
                s = f.apply(s);
            }
            return s;
        };
    }

    // ------------------------------------------------------------------ running both tools

    static String runJava(String[] args) throws ReflectiveOperationException {
        // MQAdminStartup keeps its command objects in a static list that every main0 call
        // appends to, and some commands keep their producer or consumer between calls; a fresh
        // list gives every run fresh objects, as a new JVM would.
        java.lang.reflect.Field f = org.apache.rocketmq.tools.command.MQAdminStartup.class.getDeclaredField("SUB_COMMANDS");
        f.setAccessible(true);
        ((List<?>) f.get(null)).clear();
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            org.apache.rocketmq.tools.command.MQAdminStartup.main0(args, null);
        } finally {
            System.out.flush();
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    static String runRmq(String admin, String[] args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(admin);
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("NAMESRV_ADDR");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("rmq mqadmin timed out: " + cmd);
        }
        if (p.exitValue() != 0) {
            return "<exit " + p.exitValue() + ">\n" + new String(out, StandardCharsets.UTF_8);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Runs a never-ending command (clusterRT) as a subprocess until it printed `lines` lines. */
    static String runStreaming(List<String> cmd, int lines) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        StringBuilder b = new StringBuilder();
        int seen = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try (InputStream in = p.getInputStream()) {
            int c;
            while (seen < lines && System.nanoTime() < deadline && (c = in.read()) >= 0) {
                b.append((char) c);
                if (c == '\n') {
                    seen++;
                }
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ the cases

    static List<Case> cases(Map<String, String> v) {
        String ns = v.get("ns");
        String broker = v.get("broker");
        String bname = v.get("bname");
        String cluster = v.get("cluster");
        List<Case> c = new ArrayList<>();
        c.add(new Case("updateTopic-c", ToolsInterop::exact, "updateTopic", "-n", ns, "-c", cluster, "-t", "ToolsTopic"));
        c.add(new Case("updateTopic-b", ToolsInterop::exact, "updateTopic", "-n", ns, "-b", broker, "-t", "ToolsTopic2", "-r", "4", "-w", "4", "-p", "6"));
        c.add(new Case("updateTopicPerm", ToolsInterop::exact, "updateTopicPerm", "-n", ns, "-c", cluster, "-t", "ToolsTopic2", "-p", "6"));
        c.add(new Case("topicList", ToolsInterop::sortedLines, "topicList", "-n", ns));
        c.add(new Case("topicList-c", ToolsInterop::sortedLines, "topicList", "-n", ns, "-c"));
        c.add(new Case("topicRoute", ToolsInterop::exact, "topicRoute", "-n", ns, "-t", "ToolsTopic"));
        c.add(new Case("topicRoute-l", ToolsInterop::exact, "topicRoute", "-n", ns, "-t", "ToolsTopic", "-l"));
        c.add(new Case("topicStatus", chain(mask(TIME.pattern(), "<TIME>"), mask("Topic Put TPS: .*", "Topic Put TPS: <TPS>")),
            "topicStatus", "-n", ns, "-t", "ToolsTopic"));
        c.add(new Case("topicClusterList", ToolsInterop::exact, "topicClusterList", "-n", ns, "-t", "ToolsTopic"));
        c.add(new Case("clusterList", columns(0, 1, 2, 3, 4, -1), "clusterList", "-n", ns));
        c.add(new Case("clusterList-m", columns(0, 1), "clusterList", "-n", ns, "-m"));
        c.add(new Case("brokerStatus", ToolsInterop::keys, "brokerStatus", "-n", ns, "-b", broker));
        c.add(new Case("updateSubGroup-b", ToolsInterop::exact, "updateSubGroup", "-n", ns, "-b", broker, "-g", "ToolsGroup", "-r", "3"));
        c.add(new Case("updateSubGroup-c", ToolsInterop::exact, "updateSubGroup", "-n", ns, "-c", cluster, "-g", "ToolsGroup2", "-o", "true"));
        c.add(new Case("getConsumerConfig", ToolsInterop::exact, "getConsumerConfig", "-n", ns, "-g", "ToolsGroup"));
        c.add(new Case("updateOrderConf-put", ToolsInterop::exact, "updateOrderConf", "-n", ns, "-t", "ToolsTopic2", "-m", "put", "-v", bname + ":4"));
        c.add(new Case("updateOrderConf-get", ToolsInterop::exact, "updateOrderConf", "-n", ns, "-t", "ToolsTopic2", "-m", "get"));
        c.add(new Case("updateOrderConf-delete", ToolsInterop::exact, "updateOrderConf", "-n", ns, "-t", "ToolsTopic2", "-m", "delete"));
        c.add(new Case("consumerConnection", ToolsInterop::exact, "consumerConnection", "-n", ns, "-g", "ToolsCG"));
        c.add(new Case("producerConnection", ToolsInterop::exact, "producerConnection", "-n", ns, "-g", "ToolsPG", "-t", "ToolsTopic"));
        c.add(new Case("consumerProgress-g", chain(mask(TIME.pattern(), "<TIME>"), mask("Consume TPS: .*", "Consume TPS: <TPS>")),
            "consumerProgress", "-n", ns, "-g", "ToolsCG"));
        c.add(new Case("consumerProgress", chain(columns(0, 1, 2, 3, 4), ToolsInterop::sortedLines), "consumerProgress", "-n", ns));
        c.add(new Case("sendMessage", columns(0, 2), "sendMessage", "-n", ns, "-t", "ToolsTopic", "-p", "tools body", "-k", "ToolsSentKey", "-c", "TagB"));
        c.add(new Case("sendMessage-queue", columns(0, 1, 2), "sendMessage", "-n", ns, "-t", "ToolsTopic2", "-p", "to queue 1", "-b", bname, "-i", "1"));
        c.add(new Case("queryMsgById-uniq", ToolsInterop::messageDetail, "queryMsgById", "-n", ns, "-t", "ToolsTopic", "-i", v.get("msgId")));
        c.add(new Case("queryMsgById-offset", ToolsInterop::messageDetail, "queryMsgById", "-n", ns, "-t", "ToolsTopic", "-i", v.get("offsetMsgId"), "-f", "UTF-8"));
        c.add(new Case("queryMsgByUniqueKey", ToolsInterop::messageDetail, "queryMsgByUniqueKey", "-n", ns, "-t", "ToolsTopic", "-i", v.get("msgId")));
        c.add(new Case("queryMsgByKey", ToolsInterop::sortedLines, "queryMsgByKey", "-n", ns, "-t", "ToolsTopic", "-k", "ToolsKey"));
        c.add(new Case("queryMsgByOffset", ToolsInterop::messageDetail, "queryMsgByOffset", "-n", ns, "-t", "ToolsTopic", "-b", bname,
            "-i", v.get("queueId"), "-o", v.get("queueOffset")));
        c.add(new Case("printMsg", ToolsInterop::sortProps, "printMsg", "-n", ns, "-t", "ToolsTopic"));
        c.add(new Case("printMsg-tag", ToolsInterop::sortProps, "printMsg", "-n", ns, "-t", "ToolsTopic", "-s", "TagA", "-d", "false"));
        c.add(new Case("consumeMessage", ToolsInterop::sortProps, "consumeMessage", "-n", ns, "-t", "ToolsTopic", "-c", "3"));
        c.add(new Case("consumeMessage-queue", ToolsInterop::sortProps, "consumeMessage", "-n", ns, "-t", "ToolsTopic", "-b", bname, "-i", v.get("queueId")));
        c.add(new Case("resetOffsetByTime", chain(mask("timestamp\\(long\\)\\[\\d+\\]", "timestamp(long)[<TS>]"), ToolsInterop::sortedLines),
            "resetOffsetByTime", "-n", ns, "-g", "ToolsCG", "-t", "ToolsTopic", "-s", "now"));
        c.add(new Case("updateSubGroup-clone", ToolsInterop::exact, "updateSubGroup", "-n", ns, "-b", broker, "-g", "ToolsCloneGroup"));
        c.add(new Case("cloneGroupOffset", ToolsInterop::exact, "cloneGroupOffset", "-n", ns, "-s", "ToolsCG", "-d", "ToolsCloneGroup", "-t", "ToolsTopic"));
        c.add(new Case("skipAccumulatedMessage", ToolsInterop::sortedLines, "skipAccumulatedMessage", "-n", ns, "-g", "ToolsCG", "-t", "ToolsTopic"));
        c.add(new Case("getBrokerConfig", ToolsInterop::sortedLines, "getBrokerConfig", "-n", ns, "-b", broker));
        c.add(new Case("getBrokerConfig-c", ToolsInterop::sortedLines, "getBrokerConfig", "-n", ns, "-c", cluster));
        c.add(new Case("updateBrokerConfig", ToolsInterop::exact, "updateBrokerConfig", "-n", ns, "-b", broker, "-k", "maxMessageSize", "-v", "4194304"));
        c.add(new Case("wipeWritePerm", ToolsInterop::exact, "wipeWritePerm", "-n", ns, "-b", bname));
        c.add(new Case("addWritePerm", ToolsInterop::exact, "addWritePerm", "-n", ns, "-b", bname));
        c.add(new Case("updateKvConfig", ToolsInterop::exact, "updateKvConfig", "-n", ns, "-s", "ToolsNs", "-k", "k1", "-v", "v1"));
        c.add(new Case("deleteKvConfig", ToolsInterop::exact, "deleteKvConfig", "-n", ns, "-s", "ToolsNs", "-k", "k1"));
        c.add(new Case("getNamesrvConfig", ToolsInterop::sortedLines, "getNamesrvConfig", "-n", ns));
        c.add(new Case("updateNamesrvConfig", ToolsInterop::exact, "updateNamesrvConfig", "-n", ns, "-k", "orderMessageEnable", "-v", "false"));
        c.add(new Case("statsAll", chain(columns(0, 1), ToolsInterop::sortedLines), "statsAll", "-n", ns));
        c.add(new Case("statsAll-t", chain(columns(0, 1), ToolsInterop::sortedLines), "statsAll", "-n", ns, "-t", "ToolsTopic"));
        c.add(new Case("deleteSubGroup-b", ToolsInterop::exact, "deleteSubGroup", "-n", ns, "-b", broker, "-g", "ToolsGroup"));
        c.add(new Case("deleteSubGroup-c", ToolsInterop::exact, "deleteSubGroup", "-n", ns, "-c", cluster, "-g", "ToolsGroup2"));
        c.add(new Case("deleteTopic", ToolsInterop::exact, "deleteTopic", "-n", ns, "-t", "ToolsTopic2", "-c", cluster));
        return c;
    }

    // ------------------------------------------------------------------ main

    public static void main(String[] argv) throws Exception {
        if (System.getProperty("rmq.logback.configurationFile") == null) {
            System.setProperty("rmq.logback.configurationFile", "rmq.tools.logback.xml");
        }
        System.setProperty("logback.statusListenerClass",
            "org.apache.rocketmq.logging.ch.qos.logback.core.status.NopStatusListener");
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            o.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        for (String k : new String[] {"namesrv", "broker", "broker-name", "cluster", "rmq-admin"}) {
            if (!o.containsKey(k)) {
                System.err.println("usage: ToolsInterop --namesrv ADDR --broker ADDR --broker-name NAME --cluster NAME --rmq-admin PATH [--only a,b] [--skip a,b]");
                System.exit(2);
            }
        }
        Set<String> only = o.containsKey("only") ? new HashSet<>(Arrays.asList(o.get("only").split(","))) : null;
        Set<String> skip = new HashSet<>();
        if (o.containsKey("skip")) {
            for (String n : o.get("skip").split(",")) {
                if (!n.isBlank()) {
                    skip.add(n.trim());
                }
            }
        }
        Set<String> known = new HashSet<>();
        for (Case c : cases(new HashMap<>())) {
            known.add(c.name);
        }
        known.add("clusterRT");
        for (String n : skip) {
            if (!known.contains(n)) {
                System.err.println("--skip: unknown case " + n);
                System.exit(2);
            }
        }
        String ns = o.get("namesrv");
        String admin = o.get("rmq-admin");
        Map<String, String> v = new LinkedHashMap<>();
        v.put("ns", ns);
        v.put("broker", o.get("broker"));
        v.put("bname", o.get("broker-name"));
        v.put("cluster", o.get("cluster"));

        // The topic the online clients use, created by Java's tool before they start.
        runJava(new String[] {"updateTopic", "-n", ns, "-c", o.get("cluster"), "-t", "ToolsTopic"});
        DefaultMQProducer producer = new DefaultMQProducer("ToolsPG");
        producer.setNamesrvAddr(ns);
        producer.setInstanceName("tools-interop-producer");
        producer.start();
        SendResult first = null;
        for (int i = 0; i < 5; i++) {
            SendResult r = null;
            for (int attempt = 0; r == null; attempt++) {
                try {
                    r = producer.send(new Message("ToolsTopic", "TagA", "ToolsKey", ("tools message " + i).getBytes(StandardCharsets.UTF_8)));
                } catch (Exception e) {
                    if (attempt > 50) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            if (first == null) {
                first = r;
            }
        }
        v.put("msgId", first.getMsgId());
        v.put("offsetMsgId", first.getOffsetMsgId());
        v.put("queueId", String.valueOf(first.getMessageQueue().getQueueId()));
        v.put("queueOffset", String.valueOf(first.getQueueOffset()));

        AtomicInteger consumed = new AtomicInteger();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("ToolsCG");
        consumer.setNamesrvAddr(ns);
        consumer.setInstanceName("tools-interop-consumer");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe("ToolsTopic", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            consumed.addAndGet(msgs.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (consumed.get() < 5 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        if (consumed.get() < 5) {
            System.out.println("FAIL setup: the Java consumer got " + consumed.get() + " of 5 messages");
            System.exit(1);
        }
        // Wait until the consumer's offsets reached the broker (the client persists them
        // every 5 s; a loaded machine can take longer) so both tools see the same progress.
        waitOffsetsCommitted(ns, "ToolsCG", 60_000);

        int failed = 0;
        int passed = 0;
        int skipped = 0;
        for (Case c : cases(v)) {
            if (only != null && !only.contains(c.name)) {
                continue;
            }
            if (skip.contains(c.name)) {
                System.out.println("SKIP " + c.name);
                skipped++;
                continue;
            }
            String java = runJava(c.args);
            String rmq = runRmq(admin, c.args);
            String jn = c.normalize.apply(java);
            String rn = c.normalize.apply(rmq);
            if (jn.equals(rn) && !java.isEmpty()) {
                System.out.println("OK   " + c.name);
                passed++;
            } else {
                failed++;
                System.out.println("FAIL " + c.name + " " + String.join(" ", c.args));
                System.out.println("---- Java (normalized):\n" + jn + "\n---- rmq (normalized):\n" + rn + "\n----");
            }
        }
        if (skip.contains("clusterRT")) {
            System.out.println("SKIP clusterRT");
            skipped++;
        } else if (only == null || only.contains("clusterRT")) {
            String javaHome = System.getProperty("java.home");
            List<String> javaCmd = new ArrayList<>(Arrays.asList(javaHome + "/bin/java", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"),
                "-Drmq.logback.configurationFile=rmq.tools.logback.xml",
                "org.apache.rocketmq.tools.command.MQAdminStartup"));
            List<String> args = Arrays.asList("clusterRT", "-n", ns, "-a", "3", "-i", "1");
            javaCmd.addAll(args);
            List<String> rmqCmd = new ArrayList<>();
            rmqCmd.add(admin);
            rmqCmd.addAll(args);
            Function<String, String> norm = columns(0, 1, 3, 4);
            String jn = norm.apply(runStreaming(javaCmd, 2));
            String rn = norm.apply(runStreaming(rmqCmd, 2));
            if (jn.equals(rn)) {
                System.out.println("OK   clusterRT");
                passed++;
            } else {
                failed++;
                System.out.println("FAIL clusterRT\n---- Java:\n" + jn + "\n---- rmq:\n" + rn + "\n----");
            }
        }
        consumer.shutdown();
        producer.shutdown();
        System.out.println("tools interop (" + org.apache.rocketmq.common.MQVersion.getVersionDesc(
            org.apache.rocketmq.common.MQVersion.CURRENT_VERSION) + "): " + passed + " same, " + failed + " different, "
            + skipped + " skipped");
        System.exit(failed == 0 ? 0 : 1);
    }
}

package rmq.interop.timer;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import rmq.interop.common.Opts;

/**
 * Timer messages (RocketMQ 5.x {@code TIMER_DELAY_SEC}, {@code TIMER_DELAY_MS},
 * {@code TIMER_DELIVER_MS}) with the 5.3.3 client against the broker under test.
 *
 * <pre>
 *   TimerTool accuracy -n NS -t TOPIC [-c 10000] [--min-ms 1000] [--max-ms 60000] [-w 4]
 *                      [--precision-ms 1000] [--slack-ms 1000] [--timeout-s 400]
 *   TimerTool produce  -n NS -t TOPIC --out FILE [-c 2000] [--min-ms 10000] [--max-ms 40000] [-w 4]
 *                      [--kill-pid PID]
 *   TimerTool consume  -n NS -t TOPIC --in FILE [--precision-ms 1000] [--slack-ms 1000]
 *                      [--ready-before-due] [--timeout-s 300]
 * </pre>
 *
 * <p>Message i is sent in mode i % 3: {@code setDelayTimeSec}, {@code setDelayTimeMs},
 * {@code setDeliverTimeMs}; its delay d is spread evenly over [min, max] (whole seconds for
 * the first mode). Body, tag, keys ({@code tm-RUN-i}) and user properties (one non-ASCII) are
 * derived from the run id and i, so a consumer in another process can check them.
 *
 * <p>"Its time" T: the requested delivery time. For a deliver time it is exact; for a delay
 * the broker adds d to its own clock on receipt (Java {@code HookUtils.transformTimerMessage}),
 * so T lies in [send start + d, send end + d] = [tLow, tHigh] (same host, same clock). Java
 * then stores the slot S = floor(T / precision) * precision (T - precision when T is a
 * multiple of it) as {@code TIMER_OUT_MS}, and its dequeue delivers slot S only once the
 * enqueue side's write time (now floored to the precision) has passed S, i.e. at or after
 * S + precision, which is at or after T. The checks, per message:
 * <ul>
 *   <li>it arrives (the push consumer's callback, the arrival time) exactly by key;</li>
 *   <li>{@code TIMER_OUT_MS} on the delivered message is a slot of some T in [tLow, tHigh];</li>
 *   <li>arrival &gt;= tLow and arrival &gt;= S + precision (never before its time);</li>
 *   <li>arrival &lt;= tHigh + precision + slack (slack = 1 s by default);</li>
 *   <li>body, tag, keys and user properties are those sent.</li>
 * </ul>
 * It prints lateness (arrival - T) as min/p50/p99/max, with the send round trip folded in
 * conservatively (min from tHigh, the others from tLow), and the lateness after the slot's end.
 */
public final class TimerTool {
    static final String P_RUN = "tmRun";
    static final String P_IDX = "tmIdx";
    static final String P_TEXT = "tmText";
    static final String TEXT = "定时-ünïcödé-✓";
    static final String TAG = "TimerTag";
    static final String[] MODES = {"delaySec", "delayMs", "deliverMs"};

    private TimerTool() {
    }

    /** One acknowledged send. */
    static final class Sent {
        final int idx;
        final int mode;
        final long delayMs;
        final long tLow;
        final long tHigh;

        Sent(int idx, int mode, long delayMs, long tLow, long tHigh) {
            this.idx = idx;
            this.mode = mode;
            this.delayMs = delayMs;
            this.tLow = tLow;
            this.tHigh = tHigh;
        }

        String line() {
            return idx + " " + mode + " " + delayMs + " " + tLow + " " + tHigh;
        }

        static Sent parse(String l) {
            String[] f = l.trim().split(" ");
            return new Sent(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Long.parseLong(f[2]),
                Long.parseLong(f[3]), Long.parseLong(f[4]));
        }
    }

    /** The first delivery of a message. */
    static final class Got {
        final long arrival;
        final MessageExt msg;

        Got(long arrival, MessageExt msg) {
            this.arrival = arrival;
            this.msg = msg;
        }
    }

    public static void main(String[] args) {
        if (System.getProperty("rmq.logback.configurationFile") == null) {
            System.setProperty("rmq.logback.configurationFile", "rmq.client.logback.xml");
        }
        if (System.getProperty("logback.statusListenerClass") == null) {
            System.setProperty("logback.statusListenerClass",
                "org.apache.rocketmq.logging.ch.qos.logback.core.status.NopStatusListener");
        }
        String name = args.length > 0 ? args[0] : "";
        int rc;
        try {
            Opts o = Opts.parse(args, 1);
            switch (name) {
                case "accuracy":
                    rc = accuracy(o);
                    break;
                case "produce":
                    rc = produce(o);
                    break;
                case "consume":
                    rc = consume(o);
                    break;
                default:
                    System.out.println("usage: TimerTool accuracy|produce|consume -n NS -t TOPIC ... (see the javadoc)");
                    rc = 2;
            }
        } catch (Opts.UsageException e) {
            System.out.println("usage error: " + e.getMessage());
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

    // ------------------------------------------------------------------ subcommands

    static int accuracy(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        String run = run();
        DefaultMQProducer p = producer(ns, "tm_acc_pg_" + run);
        warmup(p, topic, run);
        Map<Integer, Got> got = new ConcurrentHashMap<>();
        AtomicInteger dups = new AtomicInteger();
        DefaultMQPushConsumer c = consumer(ns, topic, "tm_acc_cg_" + run, run, got, dups);
        c.start();
        long readyAt = waitAssigned(c, topic);
        List<Sent> sent = send(p, topic, run, o, 10000, 1000, 60000);
        p.shutdown();
        int rc = verify(o, sent, got, dups, readyAt, run, 400);
        c.shutdown();
        return rc;
    }

    static int produce(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        Path out = Paths.get(o.require("out"));
        String run = run();
        DefaultMQProducer p = producer(ns, "tm_prod_pg_" + run);
        warmup(p, topic, run);
        List<Sent> sent = send(p, topic, run, o, 2000, 10000, 40000);
        if (o.has("kill-pid")) {
            long pid = o.getLong("kill-pid", -1);
            boolean killed = ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
            System.out.printf("KILLED pid %d with SIGKILL at %d (%s)%n", pid, System.currentTimeMillis(), killed);
            if (!killed) {
                throw new Opts.CheckFailed("could not kill pid " + pid);
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            w.write("run " + run + "\n");
            for (Sent s : sent) {
                w.write(s.line() + "\n");
            }
        }
        System.out.printf("wrote %d acknowledged sends to %s%n", sent.size(), out);
        p.shutdown();
        return 0;
    }

    static int consume(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        List<String> lines = Files.readAllLines(Paths.get(o.require("in")), StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("run ")) {
            throw new Opts.CheckFailed("bad file " + o.get("in", ""));
        }
        String run = lines.get(0).substring(4).trim();
        List<Sent> sent = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            if (!l.isBlank()) {
                sent.add(Sent.parse(l));
            }
        }
        Map<Integer, Got> got = new ConcurrentHashMap<>();
        AtomicInteger dups = new AtomicInteger();
        DefaultMQPushConsumer c = consumer(ns, topic, "tm_cons_cg_" + run(), run, got, dups);
        c.start();
        long readyAt = waitAssigned(c, topic);
        int rc = verify(o, sent, got, dups, readyAt, run, 300);
        c.shutdown();
        return rc;
    }

    // ------------------------------------------------------------------ sending

    static String run() {
        return Long.toString(System.nanoTime() & 0xffffffL, 36) + Integer.toString((int) (Math.random() * 1296), 36);
    }

    static DefaultMQProducer producer(String ns, String group) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer(group);
        p.setNamesrvAddr(ns);
        p.setInstanceName(group + "_i");
        p.setVipChannelEnabled(false);
        p.setSendMsgTimeout(10000);
        p.setRetryTimesWhenSendFailed(0);
        p.start();
        return p;
    }

    /** A plain message first: creates the topic (auto-creation) and warms the route up. */
    static void warmup(DefaultMQProducer p, String topic, String run) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                Message m = new Message(topic, "Warmup", ("warmup " + run).getBytes(StandardCharsets.UTF_8));
                SendResult r = p.send(m);
                if (r.getSendStatus() == SendStatus.SEND_OK) {
                    return;
                }
            } catch (Exception e) {
                if (attempt >= 30) {
                    throw e;
                }
                if (attempt % 10 == 0) {
                    System.out.println("warmup send attempt " + attempt + ": " + e.getMessage().split("\n")[0]);
                }
            }
            Thread.sleep(500);
        }
    }

    static long delayOf(int i, int count, long minMs, long maxMs, int mode) {
        // Spread evenly over [min, max], interleaved so each mode covers the whole range.
        long span = maxMs - minMs;
        long d = minMs + (count <= 1 ? 0 : (long) ((i * 7919L) % count) * span / (count - 1));
        if (mode == 0) {
            d = Math.max(minMs, Math.min(maxMs, Math.round(d / 1000.0) * 1000));
        }
        return d;
    }

    static Message message(String topic, String run, int i) {
        StringBuilder body = new StringBuilder("timer " + run + " #" + i + " " + TEXT);
        for (int k = 0; k < i % 7; k++) {
            body.append(" pad").append(k);
        }
        Message m = new Message(topic, TAG, key(run, i), body.toString().getBytes(StandardCharsets.UTF_8));
        m.putUserProperty(P_RUN, run);
        m.putUserProperty(P_IDX, Integer.toString(i));
        m.putUserProperty(P_TEXT, TEXT);
        return m;
    }

    static String key(String run, int i) {
        return "tm-" + run + "-" + i;
    }

    /** Sends count timer messages from w threads; returns the acknowledged ones (SEND_OK). */
    static List<Sent> send(DefaultMQProducer p, String topic, String run, Opts o, int defCount, long defMin,
        long defMax) throws Exception {
        int count = o.getInt("c", defCount);
        long minMs = o.getLong("min-ms", defMin);
        long maxMs = o.getLong("max-ms", defMax);
        int threads = o.getInt("w", 4);
        List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long[] maxRtt = new long[1];
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        long t0 = System.currentTimeMillis();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(ex.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    int mode = i % 3;
                    long d = delayOf(i, count, minMs, maxMs, mode);
                    Message m = message(topic, run, i);
                    long start = System.currentTimeMillis();
                    if (mode == 0) {
                        m.setDelayTimeSec(d / 1000);
                    } else if (mode == 1) {
                        m.setDelayTimeMs(d);
                    } else {
                        m.setDeliverTimeMs(start + d);
                    }
                    try {
                        SendResult r = p.send(m);
                        long end = System.currentTimeMillis();
                        if (r.getSendStatus() == SendStatus.SEND_OK) {
                            sent.add(mode == 2 ? new Sent(i, mode, d, start + d, start + d)
                                : new Sent(i, mode, d, start + d, end + d));
                            synchronized (maxRtt) {
                                maxRtt[0] = Math.max(maxRtt[0], end - start);
                            }
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        if (failures.incrementAndGet() <= 5) {
                            System.out.println("send #" + i + " failed: " + e);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        ex.shutdown();
        long ms = System.currentTimeMillis() - t0;
        System.out.printf("sent %d timer messages (delays %d..%d ms, modes %s) in %d ms: %d SEND_OK, %d failed, max send RTT %d ms%n",
            count, minMs, maxMs, String.join("/", MODES), ms, sent.size(), failures.get(), maxRtt[0]);
        return new ArrayList<>(sent);
    }

    // ------------------------------------------------------------------ consuming and checking

    static DefaultMQPushConsumer consumer(String ns, String topic, String group, String run, Map<Integer, Got> got,
        AtomicInteger dups) throws Exception {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(ns);
        c.setInstanceName(group + "_i");
        c.setVipChannelEnabled(false);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(topic, TAG);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.currentTimeMillis();
            for (MessageExt m : msgs) {
                if (!run.equals(m.getUserProperty(P_RUN))) {
                    continue;
                }
                int idx;
                try {
                    idx = Integer.parseInt(m.getUserProperty(P_IDX));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (got.putIfAbsent(idx, new Got(now, m)) != null) {
                    dups.incrementAndGet();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        return c;
    }

    /**
     * Waits until the consumer's rebalance assigned it queues; returns that time. A consumer
     * whose first rebalance found no route (a broker that just started) would only retry after
     * the client's 20 s rebalance interval; this refreshes the route and rebalances every
     * 500 ms instead, as the point is the broker's delivery time, not the client's start-up.
     */
    static long waitAssigned(DefaultMQPushConsumer c, String topic) throws InterruptedException {
        long start = System.currentTimeMillis();
        long deadline = start + 60000;
        long nextKick = start + 500;
        while (System.currentTimeMillis() < deadline) {
            if (!c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().isEmpty()) {
                long now = System.currentTimeMillis();
                System.out.println("consumer ready (queues assigned) at " + now + ", " + (now - start) + " ms after its start");
                return now;
            }
            if (System.currentTimeMillis() >= nextKick) {
                nextKick += 500;
                try {
                    c.getDefaultMQPushConsumerImpl().getmQClientFactory().updateTopicRouteInfoFromNameServer(topic);
                    c.getDefaultMQPushConsumerImpl().getmQClientFactory().rebalanceImmediately();
                } catch (RuntimeException e) {
                    System.out.println("route refresh: " + e);
                }
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new Opts.CheckFailed("the consumer got no queue within 60 s");
    }

    /** {@code ms - slotEnd} when ms is a number, else "?". */
    static String sinceSlotEnd(String ms, long slotEnd) {
        try {
            return Long.toString(Long.parseLong(ms) - slotEnd);
        } catch (NumberFormatException e) {
            return "?";
        }
    }

    /** Java's slot for delivery time t (HookUtils.transformTimerMessage). */
    static long slotOf(long t, long precision) {
        return t % precision == 0 ? t - precision : t / precision * precision;
    }

    static String expectedBody(String run, int i) {
        StringBuilder body = new StringBuilder("timer " + run + " #" + i + " " + TEXT);
        for (int k = 0; k < i % 7; k++) {
            body.append(" pad").append(k);
        }
        return body.toString();
    }

    /** Null when m is what message(topic, run, i) sent, else the difference. */
    static String contentDiff(String topic, String run, int i, MessageExt m) {
        String body = new String(m.getBody(), StandardCharsets.UTF_8);
        if (!expectedBody(run, i).equals(body)) {
            return "body " + body;
        }
        if (!topic.equals(m.getTopic())) {
            return "topic " + m.getTopic();
        }
        if (!TAG.equals(m.getTags())) {
            return "tags " + m.getTags();
        }
        if (!key(run, i).equals(m.getKeys())) {
            return "keys " + m.getKeys();
        }
        if (!TEXT.equals(m.getUserProperty(P_TEXT))) {
            return "property " + P_TEXT + "=" + m.getUserProperty(P_TEXT);
        }
        return null;
    }

    static int verify(Opts o, List<Sent> sent, Map<Integer, Got> got, AtomicInteger dups, long readyAt, String run,
        long defTimeoutS) throws Exception {
        String topic = o.require("t");
        long precision = o.getLong("precision-ms", 1000);
        long slack = o.getLong("slack-ms", 1000);
        long lastDue = 0;
        long firstDue = Long.MAX_VALUE;
        for (Sent s : sent) {
            lastDue = Math.max(lastDue, s.tHigh);
            firstDue = Math.min(firstDue, s.tLow);
        }
        if (sent.isEmpty()) {
            throw new Opts.CheckFailed("nothing was acknowledged");
        }
        long waitUntil = Math.min(lastDue + precision + slack + 15000,
            System.currentTimeMillis() + o.getLong("timeout-s", defTimeoutS) * 1000L);
        while (System.currentTimeMillis() < waitUntil && got.size() < sent.size()) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        // Let late duplicates show up.
        TimeUnit.MILLISECONDS.sleep(500);

        List<String> problems = new ArrayList<>();
        List<Long> late = new ArrayList<>();
        List<Long> afterSlotEnd = new ArrayList<>();
        long minLate = Long.MAX_VALUE;
        int missing = 0;
        int early = 0;
        int tooLate = 0;
        int badSlot = 0;
        int badContent = 0;
        int dueBeforeReady = 0;
        int[] perMode = new int[3];
        for (Sent s : sent) {
            Got g = got.get(s.idx);
            if (g == null) {
                missing++;
                if (missing <= 10) {
                    problems.add("missing #" + s.idx + " (" + MODES[s.mode] + " " + s.delayMs + " ms, due " + s.tLow + ")");
                }
                continue;
            }
            perMode[s.mode]++;
            String diff = contentDiff(topic, run, s.idx, g.msg);
            if (diff != null && ++badContent <= 10) {
                problems.add("#" + s.idx + " content: " + diff);
            }
            String out = g.msg.getProperty(MessageConst.PROPERTY_TIMER_OUT_MS);
            long slot;
            try {
                slot = Long.parseLong(out);
            } catch (NumberFormatException e) {
                slot = -1;
            }
            if (slot < slotOf(s.tLow, precision) || slot > slotOf(s.tHigh, precision)) {
                if (++badSlot <= 10) {
                    problems.add("#" + s.idx + " " + MODES[s.mode] + " TIMER_OUT_MS=" + out + ", expected the slot of ["
                        + s.tLow + ", " + s.tHigh + "]");
                }
            }
            if (s.tLow < readyAt) {
                dueBeforeReady++;
            }
            long a = g.arrival;
            if (a < s.tLow || (slot > 0 && a < slot + precision)) {
                if (++early <= 10) {
                    problems.add(String.format("#%d %s %d ms arrived early: arrival %d, due [%d, %d], slot end %d",
                        s.idx, MODES[s.mode], s.delayMs, a, s.tLow, s.tHigh, slot + precision));
                }
            }
            boolean bounded = s.tLow >= readyAt || !o.has("skip-late-check-before-ready");
            if (bounded && a > s.tHigh + precision + slack) {
                if (++tooLate <= 10) {
                    // Where the time went: the broker's dequeue, its store of the delivered
                    // record, then the pull and the consumer's callback.
                    problems.add(String.format("#%d %s %d ms arrived late: %d ms after its time (bound %d); "
                            + "after the slot end: dequeued +%s ms, stored +%d ms, arrived +%d ms",
                        s.idx, MODES[s.mode], s.delayMs, a - s.tHigh, precision + slack,
                        sinceSlotEnd(g.msg.getProperty(MessageConst.PROPERTY_TIMER_DEQUEUE_MS), slot + precision),
                        g.msg.getStoreTimestamp() - (slot + precision), a - (slot + precision)));
                }
            }
            minLate = Math.min(minLate, a - s.tHigh);
            late.add(a - s.tLow);
            if (slot > 0) {
                afterSlotEnd.add(a - (slot + precision));
            }
        }
        Collections.sort(late);
        Collections.sort(afterSlotEnd);
        System.out.printf("received %d of %d acknowledged (delaySec %d, delayMs %d, deliverMs %d), %d duplicates, "
                + "%d due before the consumer was ready%n",
            got.size(), sent.size(), perMode[0], perMode[1], perMode[2], dups.get(), dueBeforeReady);
        if (!late.isEmpty()) {
            System.out.printf("RESULT lateness after its time (ms; min from send end, others from send start): "
                    + "min %d p50 %d p99 %d max %d (bound %d)%n",
                minLate, pct(late, 50), pct(late, 99), late.get(late.size() - 1), precision + slack);
        }
        if (!afterSlotEnd.isEmpty()) {
            System.out.printf("RESULT after the end of its slot (ms): min %d p50 %d p99 %d max %d%n",
                afterSlotEnd.get(0), pct(afterSlotEnd, 50), pct(afterSlotEnd, 99),
                afterSlotEnd.get(afterSlotEnd.size() - 1));
        }
        System.out.printf("checks: missing %d, early %d, late %d, wrong TIMER_OUT_MS %d, wrong content %d%n",
            missing, early, tooLate, badSlot, badContent);
        for (String pr : problems) {
            System.out.println("  " + pr);
        }
        if (o.has("ready-before-due") && dueBeforeReady > 0) {
            throw new Opts.CheckFailed(dueBeforeReady + " messages were due before the consumer was ready at "
                + readyAt + " (first due " + firstDue + "): make the delays longer");
        }
        if (missing + early + tooLate + badSlot + badContent > 0) {
            throw new Opts.CheckFailed("missing " + missing + ", early " + early + ", late " + tooLate
                + ", wrong TIMER_OUT_MS " + badSlot + ", wrong content " + badContent);
        }
        System.out.println("OK: every acknowledged timer message arrived once due, within " + (precision + slack)
            + " ms of its time");
        return 0;
    }

    static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}

package rmq.interop.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import rmq.interop.common.Opts;

/**
 * Transactional messages with TransactionMQProducer (issue 12's acceptance).
 *
 * <p>transaction: a push consumer is subscribed (and has received a plain warm-up message)
 * before anything is sent. Message i's local transaction answers COMMIT_MESSAGE (i % 3 == 0),
 * ROLLBACK_MESSAGE (1) or UNKNOW (2); a check-back is answered by the same rule except that
 * UNKNOW becomes COMMIT_MESSAGE. executeLocalTransaction sleeps 300 ms and then requires that
 * the consumer has not seen its message; the first check of an UNKNOW message requires the
 * same. Checks: every COMMIT and UNKNOW message is delivered, each time only after a
 * COMMIT_MESSAGE answer for it (its local transaction's or a check's) and at most once per such
 * answer; every UNKNOW one was checked; no ROLLBACK message is delivered, also during
 * --quiet-ms after the last check. Why "once per answer": each check names a new copy of the
 * half message and each committed copy is delivered (Java's broker too), so a check that
 * overtakes an answer not yet written as an op record yields a second delivery. broker.sh's
 * broker settings (op records within 500 ms, checks of half messages 2 s old) make that rare:
 * the summary line counts the checks of COMMIT ones.
 *
 * <p>transaction-crash: COUNT half messages whose local transaction and check both answer
 * UNKNOW; once the broker has checked each at least once the scenario prints
 * {@code KILL-BROKER-NOW}; the driver kills the broker with SIGKILL, restarts it on the same
 * store and port and creates --release-file. From then on checks answer COMMIT_MESSAGE, and the
 * consumer must receive all COUNT, none before the release (duplicates are allowed here: the
 * broker's check progress is saved periodically, so the restarted broker may check a copy
 * again; each delivery must still be backed by a COMMIT answer).
 */
final class Transactions {
    private static final String P_KIND = "txKind";
    private static final String[] KINDS = {"COMMIT", "ROLLBACK", "UNKNOW"};
    /** How long executeLocalTransaction keeps its transaction open. */
    private static final long LOCAL_TX_MS = 300;

    private Transactions() {
    }

    /** State shared by the producer's listener and the consumer. */
    private static final class Book {
        final String run;
        final Map<Integer, Integer> delivered = new ConcurrentHashMap<>();
        /** Index to the number of COMMIT_MESSAGE answers (local or check) given for it. */
        final Map<Integer, Integer> commits = new ConcurrentHashMap<>();
        final Map<Integer, Integer> checks = new ConcurrentHashMap<>();
        final List<String> violations = new ArrayList<>();
        final AtomicLong lastCheckMillis = new AtomicLong();
        final AtomicInteger warmup = new AtomicInteger();

        Book(String run) {
            this.run = run;
        }

        void violation(String what) {
            synchronized (violations) {
                if (violations.size() < 20) {
                    violations.add(what);
                }
            }
            System.out.println("[tx] VIOLATION " + what);
        }

        int checksOf(Set<Integer> keys) {
            int n = 0;
            for (Integer k : keys) {
                n += checks.getOrDefault(k, 0);
            }
            return n;
        }
    }

    private static int index(Message m) {
        return Integer.parseInt(m.getUserProperty(Clients.P_INDEX));
    }

    private static TransactionMQProducer producer(String ns, String group, TransactionListener l) throws Exception {
        TransactionMQProducer p = new TransactionMQProducer(group);
        p.setNamesrvAddr(ns);
        p.setInstanceName(group + "_i");
        p.setVipChannelEnabled(false);
        p.setSendMsgTimeout(10000);
        // A restarted broker learns the producer's channel (where checks go) from its heartbeat.
        p.setHeartbeatBrokerInterval(1000);
        p.setTransactionListener(l);
        p.start();
        return p;
    }

    /** Sends the warm-up message (creating the topic), retrying while the route settles. */
    private static void warmup(TransactionMQProducer p, String topic, String run) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                p.send(Clients.message(topic, run, -1, "Warmup"));
                return;
            } catch (Exception e) {
                if (attempt >= 20) {
                    throw e;
                }
                System.out.println("[tx] warm-up send attempt " + attempt + ": " + e);
                Thread.sleep(500);
            }
        }
    }

    /** A started consumer that has received the warm-up message; books deliveries. */
    private static DefaultMQPushConsumer consumer(String ns, String topic, Book b, Gate gate) throws Exception {
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, "bs_tx_cg_" + b.run, "bs_tx_c_" + b.run);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (!b.run.equals(m.getUserProperty(Clients.P_RUN))) {
                    continue;
                }
                int i = index(m);
                if (i < 0) {
                    b.warmup.incrementAndGet();
                    continue;
                }
                String kind = m.getUserProperty(P_KIND);
                String diff = Clients.check(topic, b.run, m, kind);
                if (diff != null) {
                    b.violation("content " + diff);
                }
                int n = b.delivered.merge(i, 1, Integer::sum);
                String why = gate.deliveryViolation(i, kind, n);
                if (why != null) {
                    b.violation("#" + i + " (" + kind + ") " + why);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        BrokerScenarios.check(Clients.waitFor(60000, () -> b.warmup.get() > 0),
            "the consumer did not receive the warm-up message within 60 s");
        return c;
    }

    /** Decides whether a delivery was allowed when it happened. */
    @FunctionalInterface
    private interface Gate {
        String deliveryViolation(int index, String kind, int deliveries);
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 30);
        long timeoutMs = o.getLong("timeout-s", 120) * 1000L;
        long quietMs = o.getLong("quiet-ms", 5000);
        Book b = new Book(Clients.run());

        TransactionListener l = new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message m, Object arg) {
                int i = index(m);
                try {
                    Thread.sleep(LOCAL_TX_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (b.delivered.containsKey(i)) {
                    b.violation("#" + i + " delivered while its local transaction was open");
                }
                switch (m.getUserProperty(P_KIND)) {
                    case "COMMIT":
                        b.commits.merge(i, 1, Integer::sum);
                        return LocalTransactionState.COMMIT_MESSAGE;
                    case "ROLLBACK":
                        return LocalTransactionState.ROLLBACK_MESSAGE;
                    default:
                        return LocalTransactionState.UNKNOW;
                }
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt m) {
                int i = index(m);
                String kind = m.getUserProperty(P_KIND);
                int n = b.checks.merge(i, 1, Integer::sum);
                b.lastCheckMillis.set(System.currentTimeMillis());
                if ("UNKNOW".equals(kind) && n == 1 && b.delivered.containsKey(i)) {
                    b.violation("#" + i + " (" + kind + ") delivered before its first check");
                }
                if ("ROLLBACK".equals(kind)) {
                    return LocalTransactionState.ROLLBACK_MESSAGE;
                }
                b.commits.merge(i, 1, Integer::sum);
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        };
        TransactionMQProducer p = producer(ns, "bs_tx_pg_" + b.run, l);
        DefaultMQPushConsumer c = null;
        try {
            warmup(p, topic, b.run);
            c = consumer(ns, topic, b, (i, kind, n) -> {
                int commits = b.commits.getOrDefault(i, 0);
                if ("ROLLBACK".equals(kind)) {
                    return "rolled back but delivered";
                }
                if (commits == 0) {
                    return "delivered before any COMMIT_MESSAGE answer";
                }
                return n > commits ? "delivered " + n + " times for " + commits + " COMMIT answers" : null;
            });
            Set<Integer> want = ConcurrentHashMap.newKeySet();
            Set<Integer> rollback = ConcurrentHashMap.newKeySet();
            Map<String, Integer> states = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String kind = KINDS[i % 3];
                Message m = Clients.message(topic, b.run, i, kind);
                m.putUserProperty(P_KIND, kind);
                TransactionSendResult r = p.sendMessageInTransaction(m, null);
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "half send #" + i + ": " + r);
                states.merge(r.getLocalTransactionState().name(), 1, Integer::sum);
                (kind.equals("ROLLBACK") ? rollback : want).add(i);
            }
            System.out.printf("[tx] %d half messages sent, local states %s%n", count, states);
            boolean all = Clients.waitFor(timeoutMs, () -> b.delivered.keySet().containsAll(want));
            // Rolled back ones must stay invisible: wait while checks may still be answered.
            long end = System.currentTimeMillis() + quietMs;
            while (System.currentTimeMillis() < Math.max(end, b.lastCheckMillis.get() + quietMs)) {
                Thread.sleep(200);
            }
            int dup = 0;
            int missing = 0;
            for (Integer i : want) {
                int n = b.delivered.getOrDefault(i, 0);
                dup += Math.max(0, n - 1);
                missing += n == 0 ? 1 : 0;
            }
            Set<Integer> unknown = new HashSet<>();
            for (Integer i : want) {
                if (i % 3 == 2) {
                    unknown.add(i);
                }
            }
            int badRollback = 0;
            for (Integer i : rollback) {
                badRollback += b.delivered.containsKey(i) ? 1 : 0;
            }
            System.out.printf("[tx] delivered %d of %d committed (%d missing, %d duplicates), %d of %d rolled back;"
                    + " checks: %d for UNKNOW, %d for COMMIT/ROLLBACK ones%n", want.size() - missing, want.size(),
                missing, dup, badRollback, rollback.size(), b.checksOf(unknown),
                b.checks.values().stream().mapToInt(Integer::intValue).sum() - b.checksOf(unknown));
            BrokerScenarios.check(b.violations.isEmpty(), "violations: " + b.violations);
            BrokerScenarios.check(all && missing == 0, missing + " committed messages never delivered");
            BrokerScenarios.check(badRollback == 0, badRollback + " rolled back messages delivered");
            for (Integer i : unknown) {
                BrokerScenarios.check(b.checks.getOrDefault(i, 0) > 0, "#" + i + " (UNKNOW) was never checked");
            }
            System.out.println("[tx] OK");
            return 0;
        } finally {
            if (c != null) {
                c.shutdown();
            }
            p.shutdown();
        }
    }

    static int crash(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        Path release = Paths.get(o.require("release-file"));
        int count = o.getInt("c", 10);
        long timeoutMs = o.getLong("timeout-s", 180) * 1000L;
        Book b = new Book(Clients.run());
        AtomicLong releasedAt = new AtomicLong();

        TransactionListener l = new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message m, Object arg) {
                return LocalTransactionState.UNKNOW;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt m) {
                int i = index(m);
                b.checks.merge(i, 1, Integer::sum);
                b.lastCheckMillis.set(System.currentTimeMillis());
                if (releasedAt.get() == 0 && Files.exists(release)) {
                    releasedAt.compareAndSet(0, System.currentTimeMillis());
                }
                if (releasedAt.get() == 0) {
                    return LocalTransactionState.UNKNOW;
                }
                b.commits.merge(i, 1, Integer::sum);
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        };
        TransactionMQProducer p = producer(ns, "bs_txc_pg_" + b.run, l);
        DefaultMQPushConsumer c = null;
        try {
            warmup(p, topic, b.run);
            c = consumer(ns, topic, b, (i, kind, n) -> {
                int commits = b.commits.getOrDefault(i, 0);
                if (releasedAt.get() == 0 || commits == 0) {
                    return "delivered before any COMMIT_MESSAGE answer";
                }
                return n > commits ? "delivered " + n + " times for " + commits + " COMMIT answers" : null;
            });
            Set<Integer> want = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < count; i++) {
                Message m = Clients.message(topic, b.run, i, "UNKNOW");
                m.putUserProperty(P_KIND, "UNKNOW");
                TransactionSendResult r = p.sendMessageInTransaction(m, null);
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "half send #" + i + ": " + r);
                want.add(i);
            }
            boolean checked = Clients.waitFor(60000, () -> b.checks.keySet().containsAll(want));
            BrokerScenarios.check(checked, "the broker checked only " + b.checks.size() + " of " + count
                + " half messages within 60 s");
            System.out.printf("KILL-BROKER-NOW %d half messages, each checked and answered UNKNOW (%d checks),"
                + " %d delivered%n", count, b.checksOf(want), b.delivered.size());
            System.out.flush();
            long t0 = System.currentTimeMillis();
            BrokerScenarios.check(Clients.waitFor(timeoutMs, () -> Files.exists(release)),
                "no release file " + release);
            releasedAt.compareAndSet(0, System.currentTimeMillis());
            int before = b.checksOf(want);
            System.out.printf("[tx-crash] released %d ms after the kill marker; checks answer COMMIT_MESSAGE now%n",
                System.currentTimeMillis() - t0);
            boolean all = Clients.waitFor(timeoutMs, () -> b.delivered.keySet().containsAll(want));
            Thread.sleep(3000);
            int dup = 0;
            for (Integer n : b.delivered.values()) {
                dup += Math.max(0, n - 1);
            }
            System.out.printf("[tx-crash] delivered %d of %d (%d duplicates), checks after the release: %d%n",
                b.delivered.size(), count, dup, b.checksOf(want) - before);
            BrokerScenarios.check(b.violations.isEmpty(), "violations: " + b.violations);
            BrokerScenarios.check(all, (count - b.delivered.size()) + " of " + count
                + " half messages never delivered after the restart");
            System.out.println("[tx-crash] OK");
            return 0;
        } finally {
            if (c != null) {
                c.shutdown();
            }
            p.shutdown();
        }
    }
}

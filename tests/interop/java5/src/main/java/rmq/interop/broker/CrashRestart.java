package rmq.interop.broker;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.MessageExt;
import rmq.interop.common.Opts;

/**
 * crash-produce-consume: the producer sends COUNT messages (sync, retrying until acknowledged)
 * while group GROUP consumes them. After KILL_AFTER acknowledged sends it prints
 * {@code KILL-NOW}; the driver then kills the broker with SIGKILL and restarts it on the same
 * store. Checks: every acknowledged message reaches GROUP; a fresh group reading from the first
 * offset finds every acknowledged message in the store (nothing acknowledged was lost); a new
 * instance of GROUP started afterwards resumes from the committed offsets (almost no
 * re-deliveries).
 */
final class CrashRestart {
    private CrashRestart() {
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        String group = o.require("g");
        int count = o.getInt("c", 20000);
        int killAfter = o.getInt("kill-after", 8000);
        long deadline = System.currentTimeMillis() + o.getLong("timeout-s", 300) * 1000L;
        String run = Clients.run();
        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        Map<Integer, Integer> received = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();

        DefaultMQProducer p = Clients.producer(ns, "bs_cr_pg_" + run);
        p.setRetryTimesWhenSendFailed(0);
        // Creates the topic; retried, as a busy shared machine can make one send fail
        // (SYSTEM_BUSY after waitTimeMillsInSendQueue), and this producer does not retry.
        for (int attempt = 0; ; attempt++) {
            try {
                p.send(Clients.message(topic, run, -1, "Warmup"));
                break;
            } catch (Exception e) {
                if (attempt >= 20) {
                    throw e;
                }
                System.out.println("warmup send attempt " + attempt + ": " + e);
                Thread.sleep(500);
            }
        }
        DefaultMQPushConsumer c = consumer(ns, topic, group, "bs_cr_c1_" + run, run, received, duplicates);
        c.start();
        int failures = 0;
        boolean killSignalled = false;
        try {
            for (int i = 0; i < count; i++) {
                while (true) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new Opts.CheckFailed("timed out sending #" + i + " (" + failures + " failed sends)");
                    }
                    try {
                        SendResult r = p.send(Clients.message(topic, run, i, "Crash"));
                        if (r.getSendStatus() == SendStatus.SEND_OK) {
                            acked.add(i);
                            break;
                        }
                    } catch (Exception e) {
                        failures++;
                        Thread.sleep(200);
                    }
                }
                if (!killSignalled && acked.size() >= killAfter) {
                    killSignalled = true;
                    System.out.printf("KILL-NOW acked=%d received=%d%n", acked.size(), received.size());
                    System.out.flush();
                }
            }
        } finally {
            p.shutdown();
        }
        System.out.printf("[crash] acked %d (%d failed attempts while the broker was down)%n", acked.size(), failures);
        boolean all = Clients.waitFor(Math.max(1000, deadline - System.currentTimeMillis()),
            () -> received.keySet().containsAll(acked));
        c.shutdown();
        int missing = 0;
        for (Integer i : acked) {
            if (!received.containsKey(i)) {
                missing++;
            }
        }
        System.out.printf("[crash] group %s received %d distinct, %d duplicates, %d acked missing%n", group,
            received.size(), duplicates.get(), missing);
        BrokerScenarios.check(all, missing + " acknowledged messages never reached " + group);

        // Everything acknowledged is in the store.
        Map<Integer, Integer> fresh = new ConcurrentHashMap<>();
        DefaultMQPushConsumer f = consumer(ns, topic, "bs_cr_fresh_" + run, "bs_cr_f_" + run, run, fresh, new AtomicInteger());
        f.start();
        boolean stored = Clients.waitFor(120000, () -> fresh.keySet().containsAll(acked));
        f.shutdown();
        BrokerScenarios.check(stored, "a fresh group found only " + fresh.size() + " of " + acked.size()
            + " acknowledged messages: messages were lost");

        // A new instance of the group resumes from the committed offsets.
        Map<Integer, Integer> again = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c2 = consumer(ns, topic, group, "bs_cr_c2_" + run, run, again, new AtomicInteger());
        c2.start();
        Clients.waitFor(15000, () -> !Clients.assigned(c2).isEmpty());
        Thread.sleep(5000);
        c2.shutdown();
        System.out.printf("[crash] restarted instance of %s re-received %d messages%n", group, again.size());
        BrokerScenarios.check(again.size() <= count / 100, "the group did not resume from its committed offsets: "
            + again.size() + " re-deliveries");
        System.out.println("[crash] OK");
        return 0;
    }

    private static DefaultMQPushConsumer consumer(String ns, String topic, String group, String instance,
        String run, Map<Integer, Integer> received, AtomicInteger duplicates) throws Exception {
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, group, instance);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (!run.equals(m.getUserProperty(Clients.P_RUN))) {
                    continue;
                }
                int idx = Integer.parseInt(m.getUserProperty(Clients.P_INDEX));
                if (idx >= 0 && received.merge(idx, 1, Integer::sum) > 1) {
                    duplicates.incrementAndGet();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        return c;
    }
}

package rmq.interop.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import rmq.interop.common.Opts;

/**
 * orderly: MessageQueueSelector by order id + MessageListenerOrderly with two consumers keeps
 * per-order (hence per-queue) order.
 * retry-dlq: RECONSUME_LATER brings a message back through %RETRY%group (the default level
 * 3 + reconsumeTimes = 10 s first), and past maxReconsumeTimes it lands in %DLQ%group.
 * delay: a delay-level message arrives no earlier than its level's delay.
 */
final class OrderlyRetryDelay {
    private OrderlyRetryDelay() {
    }

    static int orderly(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 2000);
        int orders = o.getInt("orders", 20);
        String run = Clients.run();
        String group = "bs_ord_cg_" + run;
        Map<Integer, List<Integer>> seqByOrder = new ConcurrentHashMap<>();
        Map<Integer, String> orderOwner = new ConcurrentHashMap<>();
        AtomicInteger received = new AtomicInteger();
        List<String> problems = new ArrayList<>();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        DefaultMQProducer p = Clients.producer(ns, "bs_ord_pg_" + run);
        // Create the topic before the consumers rebalance.
        p.send(new Message(topic, "Warmup", "w".getBytes()));
        for (int i = 0; i < 2; i++) {
            String instance = "bs_ord_c" + i + "_" + run;
            DefaultMQPushConsumer c = Clients.pushConsumer(ns, group, instance);
            c.subscribe(topic, "*");
            c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    if (!run.equals(m.getUserProperty(Clients.P_RUN))) {
                        continue;
                    }
                    int order = Integer.parseInt(m.getUserProperty("bsOrder"));
                    int seq = Integer.parseInt(m.getUserProperty("bsSeq"));
                    seqByOrder.computeIfAbsent(order, k -> new ArrayList<>()).add(seq);
                    orderOwner.put(order, instance);
                    received.incrementAndGet();
                }
                return ConsumeOrderlyStatus.SUCCESS;
            });
            c.start();
            consumers.add(c);
        }
        Clients.waitFor(60000, () -> !Clients.assigned(consumers.get(0)).isEmpty()
            && !Clients.assigned(consumers.get(1)).isEmpty());
        try {
            int[] next = new int[orders];
            for (int i = 0; i < count; i++) {
                int order = i % orders;
                Message m = Clients.message(topic, run, i, "Ord");
                m.putUserProperty("bsOrder", Integer.toString(order));
                m.putUserProperty("bsSeq", Integer.toString(next[order]++));
                SendResult r = p.send(m, (mqs, msg, arg) -> mqs.get((Integer) arg % mqs.size()), order);
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "send " + r);
            }
        } finally {
            p.shutdown();
        }
        boolean all = Clients.waitFor(120000, () -> received.get() >= count);
        for (DefaultMQPushConsumer c : consumers) {
            c.shutdown();
        }
        for (Map.Entry<Integer, List<Integer>> e : seqByOrder.entrySet()) {
            List<Integer> seqs = e.getValue();
            for (int i = 0; i < seqs.size(); i++) {
                if (seqs.get(i) != i) {
                    problems.add("order " + e.getKey() + " position " + i + " got seq " + seqs.get(i));
                    break;
                }
            }
        }
        long owners = orderOwner.values().stream().distinct().count();
        System.out.printf("[orderly] received %d/%d over %d orders, consumer instances used %d%n", received.get(), count,
            seqByOrder.size(), owners);
        BrokerScenarios.check(problems.isEmpty(), "out of order: " + problems);
        BrokerScenarios.check(all && received.get() == count, "received " + received.get() + " (duplicates or loss)");
        BrokerScenarios.check(owners == 2, "both orderly consumers should consume");
        System.out.println("[orderly] OK");
        return 0;
    }

    static int retryDlq(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        String run = Clients.run();
        String group = "bs_rd_cg_" + run;
        Map<Integer, List<Long>> attempts = new ConcurrentHashMap<>();
        Map<Integer, List<Integer>> reconsumeTimes = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, group, "bs_rd_c_" + run);
        c.setMaxReconsumeTimes(2);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (!run.equals(m.getUserProperty(Clients.P_RUN))) {
                    continue;
                }
                int idx = Integer.parseInt(m.getUserProperty(Clients.P_INDEX));
                attempts.computeIfAbsent(idx, k -> new ArrayList<>()).add(System.currentTimeMillis());
                reconsumeTimes.computeIfAbsent(idx, k -> new ArrayList<>()).add(m.getReconsumeTimes());
                // Message 0 uses the default retry level (3 + reconsumeTimes); message 1 asks for level 1.
                if (idx == 1) {
                    ctx.setDelayLevelWhenNextConsume(1);
                }
            }
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        });
        c.start();
        DefaultMQProducer p = Clients.producer(ns, "bs_rd_pg_" + run);
        try {
            for (int i = 0; i < 2; i++) {
                SendResult r = p.send(Clients.message(topic, run, i, "Retry"));
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "send " + r);
            }
        } finally {
            p.shutdown();
        }
        // Message 1 goes through 3 attempts quickly (level 1 = 1 s), then to the DLQ. The first
        // retry only comes once the consumer has the %RETRY% topic's route: about 20 s with the
        // 5.3.3 client, about 40 s with 5.5.0 (against a Java broker too), so 60 s left too
        // little margin on a loaded 2-core machine.
        long waitMs = o.getLong("wait-ms", 120000);
        boolean fast = Clients.waitFor(waitMs, () -> attempts.getOrDefault(1, new ArrayList<>()).size() >= 3);
        // Message 0 comes back after >= 10 s (level 3).
        boolean slow = Clients.waitFor(waitMs, () -> attempts.getOrDefault(0, new ArrayList<>()).size() >= 2);
        c.shutdown();
        System.out.printf("[retry-dlq] attempts %s reconsumeTimes %s%n", attempts, reconsumeTimes);
        BrokerScenarios.check(fast, "message 1 was not retried twice: " + attempts.get(1));
        BrokerScenarios.check(reconsumeTimes.get(1).subList(0, 3).equals(java.util.Arrays.asList(0, 1, 2)),
            "reconsumeTimes of message 1: " + reconsumeTimes.get(1));
        BrokerScenarios.check(slow, "message 0 did not come back through the retry topic");
        List<Long> t0 = attempts.get(0);
        long gap = t0.get(1) - t0.get(0);
        BrokerScenarios.check(gap >= 9000, "default retry came back after " + gap + " ms (level 3 is 10 s)");

        // Message 1 is in %DLQ%group: read it with a fresh group.
        String dlq = "%DLQ%" + group;
        AtomicInteger inDlq = new AtomicInteger();
        AtomicLong dlqReconsume = new AtomicLong(-1);
        DefaultMQPushConsumer d = Clients.pushConsumer(ns, "bs_rd_dlqreader_" + run, "bs_rd_d_" + run);
        d.subscribe(dlq, "*");
        d.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (run.equals(m.getUserProperty(Clients.P_RUN)) && "1".equals(m.getUserProperty(Clients.P_INDEX))) {
                    inDlq.incrementAndGet();
                    dlqReconsume.set(m.getReconsumeTimes());
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        d.start();
        boolean found = Clients.waitFor(60000, () -> inDlq.get() > 0);
        d.shutdown();
        System.out.printf("[retry-dlq] %s holds message 1: %s (reconsumeTimes %d)%n", dlq, found, dlqReconsume.get());
        BrokerScenarios.check(found, "message 1 not found in " + dlq);
        System.out.println("[retry-dlq] OK");
        return 0;
    }

    static int delay(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int level = o.getInt("level", 2);
        long minMs = o.getLong("min-ms", 5000);
        String run = Clients.run();
        AtomicLong arrived = new AtomicLong();
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, "bs_dl_cg_" + run, "bs_dl_c_" + run);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (run.equals(m.getUserProperty(Clients.P_RUN))) {
                    arrived.compareAndSet(0, System.currentTimeMillis());
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        DefaultMQProducer p = Clients.producer(ns, "bs_dl_pg_" + run);
        // Create the topic and start consuming before the delayed send.
        p.send(new Message(topic, "Warmup", "w".getBytes()));
        c.start();
        Clients.waitFor(30000, () -> !Clients.assigned(c).isEmpty());
        long sent;
        try {
            Message m = Clients.message(topic, run, 0, "Delay");
            m.setDelayTimeLevel(level);
            sent = System.currentTimeMillis();
            SendResult r = p.send(m);
            BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "send " + r);
        } finally {
            p.shutdown();
        }
        boolean got = Clients.waitFor(minMs + 30000, () -> arrived.get() > 0);
        c.shutdown();
        long took = arrived.get() - sent;
        System.out.printf("[delay] level %d message arrived after %d ms%n", level, took);
        BrokerScenarios.check(got, "delayed message never arrived");
        BrokerScenarios.check(took >= minMs, "arrived after " + took + " ms, expected >= " + minMs);
        System.out.println("[delay] OK");
        return 0;
    }
}

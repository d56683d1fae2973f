package rmq.interop.broker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import rmq.interop.common.Opts;

/**
 * send-modes: a DefaultMQProducer sends COUNT messages each way — sync, async, oneway and
 * batch — with keys, tags and user properties (non-ASCII included); a push consumer group of
 * two instances (clustering), started first and balanced, must receive every message intact,
 * the queues split between the two instances.
 */
final class SendModes {
    private static final String[] MODES = {"sync", "async", "oneway", "batch"};

    private SendModes() {
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 10000);
        long timeoutMs = o.getLong("timeout-s", 300) * 1000L;
        String run = Clients.run();
        String tag = "[send-modes]";
        int total = count * MODES.length;
        System.out.printf("%s ns=%s topic=%s count=%d per mode run=%s%n", tag, ns, topic, count, run);

        DefaultMQProducer producer = Clients.producer(ns, "bs_sm_pg_" + run);
        // Route the topic first (auto-created through TBW102), so both consumers see its queues.
        SendResult first = producer.send(Clients.message(topic, run, -1, "Warmup"));
        BrokerScenarios.check(first.getSendStatus() == SendStatus.SEND_OK, "warm-up send " + first);

        Map<Integer, String> received = new ConcurrentHashMap<>();
        Map<String, Set<MessageQueue>> queuesByInstance = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger duplicates = new AtomicInteger();
        List<DefaultMQPushConsumer> consumers = new ArrayList<>();
        String group = "bs_sm_cg_" + run;
        for (int i = 0; i < 2; i++) {
            String instance = "bs_sm_c" + i + "_" + run;
            queuesByInstance.put(instance, ConcurrentHashMap.newKeySet());
            DefaultMQPushConsumer c = Clients.pushConsumer(ns, group, instance);
            c.subscribe(topic, "*");
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    if (!run.equals(m.getUserProperty(Clients.P_RUN))) {
                        continue;
                    }
                    int idx = Integer.parseInt(m.getUserProperty(Clients.P_INDEX));
                    if (idx < 0) {
                        continue;
                    }
                    String err = Clients.check(topic, run, m, "Tag" + MODES[idx / count]);
                    if (err != null) {
                        problems.add(err);
                    }
                    queuesByInstance.get(instance).add(new MessageQueue(m.getTopic(), m.getBrokerName(), m.getQueueId()));
                    if (received.put(idx, instance) != null) {
                        duplicates.incrementAndGet();
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
            consumers.add(c);
        }
        boolean balanced = Clients.waitFor(60000, () -> {
            Set<MessageQueue> a = Clients.assigned(consumers.get(0));
            Set<MessageQueue> b = Clients.assigned(consumers.get(1));
            Set<MessageQueue> both = new HashSet<>(a);
            both.retainAll(b);
            return !a.isEmpty() && !b.isEmpty() && both.isEmpty();
        });
        BrokerScenarios.check(balanced, "the two consumers did not split the queues: "
            + Clients.assigned(consumers.get(0)) + " / " + Clients.assigned(consumers.get(1)));

        long start = System.currentTimeMillis();
        try {
            sendAll(producer, topic, run, count);
        } finally {
            producer.shutdown();
        }
        long sendMs = System.currentTimeMillis() - start;
        System.out.printf("%s sent %d messages (4 modes) in %d ms%n", tag, total, sendMs);

        boolean all = Clients.waitFor(timeoutMs, () -> received.size() >= total);
        for (DefaultMQPushConsumer c : consumers) {
            c.shutdown();
        }
        Map<String, Integer> perInstance = new TreeMap<>();
        received.values().forEach(i -> perInstance.merge(i, 1, Integer::sum));
        System.out.printf("%s received %d/%d in %d ms, duplicates %d, per instance %s, queues %s%n", tag,
            received.size(), total, System.currentTimeMillis() - start, duplicates.get(), perInstance, queuesByInstance);
        BrokerScenarios.check(problems.isEmpty(), problems.size() + " messages differ, first "
            + problems.subList(0, Math.min(5, problems.size())));
        if (!all) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 0; i < total && missing.size() < 10; i++) {
                if (!received.containsKey(i)) {
                    missing.add(i);
                }
            }
            throw new Opts.CheckFailed("received " + received.size() + "/" + total + ", missing e.g. " + missing);
        }
        BrokerScenarios.check(perInstance.size() == 2, "one instance received everything: " + perInstance);
        Set<MessageQueue> overlap = new HashSet<>(queuesByInstance.get("bs_sm_c0_" + run));
        overlap.retainAll(queuesByInstance.get("bs_sm_c1_" + run));
        BrokerScenarios.check(overlap.isEmpty(), "queues consumed by both instances: " + overlap);
        System.out.printf("%s OK%n", tag);
        return 0;
    }

    private static void sendAll(DefaultMQProducer p, String topic, String run, int count) throws Exception {
        // sync
        for (int i = 0; i < count; i++) {
            SendResult r = p.send(Clients.message(topic, run, i, "Tagsync"));
            BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "sync #" + i + " " + r);
        }
        // async, at most 512 in flight
        Semaphore inFlight = new Semaphore(512);
        AtomicReference<Throwable> asyncError = new AtomicReference<>();
        AtomicInteger asyncOk = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            final int idx = count + i;
            p.send(Clients.message(topic, run, idx, "Tagasync"), new SendCallback() {
                @Override
                public void onSuccess(SendResult r) {
                    if (r.getSendStatus() == SendStatus.SEND_OK) {
                        asyncOk.incrementAndGet();
                    } else {
                        asyncError.compareAndSet(null, new IllegalStateException("async #" + idx + " " + r));
                    }
                    inFlight.release();
                }

                @Override
                public void onException(Throwable e) {
                    asyncError.compareAndSet(null, e);
                    inFlight.release();
                }
            });
        }
        BrokerScenarios.check(inFlight.tryAcquire(512, 60, TimeUnit.SECONDS), "async sends did not finish");
        BrokerScenarios.check(asyncError.get() == null, "async send failed: " + asyncError.get());
        BrokerScenarios.check(asyncOk.get() == count, "async OK " + asyncOk.get());
        // oneway
        for (int i = 0; i < count; i++) {
            p.sendOneway(Clients.message(topic, run, 2 * count + i, "Tagoneway"));
        }
        // batch, 100 per batch to one queue each
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(Clients.message(topic, run, 3 * count + i, "Tagbatch"));
            if (batch.size() == 100 || i == count - 1) {
                SendResult r = p.send(batch);
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "batch " + r);
                BrokerScenarios.check(r.getMsgId() != null && r.getMsgId().split(",").length == batch.size(),
                    "batch msgIds " + r.getMsgId());
                batch = new ArrayList<>();
            }
        }
    }
}

package rmq.interop.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * produce-consume: a DefaultMQProducer sends N messages (tags, keys, a non-ASCII user
 * property, a few bodies large enough to be zlib-compressed by the client) to a topic
 * found through the namesrv; then a DefaultMQPushConsumer in a fresh group, starting
 * from the first offset, must receive every one of them intact.
 *
 * Only client API that is identical in 4.9.x and 5.x is used, so this file is compiled
 * into both harness projects.
 */
public final class ProduceConsume {
    public static final String USAGE =
        "produce-consume -n NAMESRV -t TOPIC [-c COUNT(1000)] [--timeout-s 120] [--label TEXT]";

    private static final String P_RUN = "interopRun";
    private static final String P_INDEX = "interopIndex";
    private static final String P_TEXT = "interopText";

    private ProduceConsume() {
    }

    public static int run(Opts o) throws Exception {
        String namesrv = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 1000);
        long timeoutMs = o.getLong("timeout-s", 120) * 1000L;
        String label = o.get("label", "client " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION));
        String run = UUID.randomUUID().toString().substring(0, 8);
        long deadline = System.currentTimeMillis() + timeoutMs;

        System.out.printf("[produce-consume %s] namesrv=%s topic=%s count=%d run=%s%n", label, namesrv, topic, count, run);

        DefaultMQProducer producer = new DefaultMQProducer("interop_pg_" + run);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("interop_p_" + run);
        producer.setVipChannelEnabled(false);
        producer.setSendMsgTimeout(10000);
        producer.start();
        Map<String, Integer> perQueue = new TreeMap<>();
        long sendStart = System.currentTimeMillis();
        try {
            for (int i = 0; i < count; i++) {
                Message m = message(topic, run, i);
                SendResult r = null;
                Exception last = null;
                for (int attempt = 0; attempt < 5 && r == null; attempt++) {
                    try {
                        r = producer.send(m);
                    } catch (Exception e) {
                        last = e;
                        if (System.currentTimeMillis() > deadline) {
                            break;
                        }
                        Thread.sleep(1000);
                    }
                }
                if (r == null) {
                    throw new Opts.CheckFailed("send of message " + i + " failed: " + last);
                }
                if (r.getSendStatus() != SendStatus.SEND_OK) {
                    throw new Opts.CheckFailed("send of message " + i + " returned " + r.getSendStatus());
                }
                if (r.getMsgId() == null || r.getMessageQueue() == null) {
                    throw new Opts.CheckFailed("send of message " + i + " returned no msgId/queue: " + r);
                }
                perQueue.merge(r.getMessageQueue().getBrokerName() + "/" + r.getMessageQueue().getQueueId(), 1, Integer::sum);
            }
        } finally {
            producer.shutdown();
        }
        long sendMs = System.currentTimeMillis() - sendStart;
        System.out.printf("[produce-consume %s] sent %d messages in %d ms (%.0f msg/s), per queue %s%n", label, count,
            sendMs, count * 1000.0 / Math.max(1, sendMs), perQueue);

        ConcurrentHashMap<Integer, Boolean> received = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger foreign = new AtomicInteger();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);

        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("interop_cg_" + run);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("interop_c_" + run);
        consumer.setVipChannelEnabled(false);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt mx : msgs) {
                if (!run.equals(mx.getUserProperty(P_RUN))) {
                    foreign.incrementAndGet();
                    continue;
                }
                String err = check(topic, run, mx);
                if (err != null) {
                    problems.add(err);
                }
                int idx = Integer.parseInt(mx.getUserProperty(P_INDEX));
                if (received.putIfAbsent(idx, Boolean.TRUE) != null) {
                    duplicates.incrementAndGet();
                }
            }
            if (received.size() >= count) {
                done.countDown();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        long consumeStart = System.currentTimeMillis();
        consumer.start();
        try {
            long wait = Math.max(1000, deadline - System.currentTimeMillis());
            boolean all = done.await(wait, TimeUnit.MILLISECONDS);
            long consumeMs = System.currentTimeMillis() - consumeStart;
            System.out.printf("[produce-consume %s] received %d/%d distinct in %d ms (duplicates %d, other runs %d)%n",
                label, received.size(), count, consumeMs, duplicates.get(), foreign.get());
            if (!problems.isEmpty()) {
                throw new Opts.CheckFailed(problems.size() + " received messages differ from what was sent, first: "
                    + problems.subList(0, Math.min(5, problems.size())));
            }
            if (!all) {
                List<Integer> missing = new ArrayList<>();
                for (int i = 0; i < count && missing.size() < 10; i++) {
                    if (!received.containsKey(i)) {
                        missing.add(i);
                    }
                }
                throw new Opts.CheckFailed("timed out after " + timeoutMs / 1000 + " s with " + received.size() + "/" + count
                    + " messages; first missing indexes " + missing);
            }
        } finally {
            consumer.shutdown();
        }
        System.out.printf("[produce-consume %s] OK%n", label);
        return 0;
    }

    static String tag(int i) {
        return i % 2 == 0 ? "TagA" : "TagB";
    }

    static String keys(String run, int i) {
        return "key-" + run + "-" + i + " k2-" + i;
    }

    static String text(int i) {
        return "値-" + i + "-Grüße ✓";
    }

    static byte[] body(String run, int i) {
        StringBuilder sb = new StringBuilder("body-").append(i).append('-').append(run).append("-你好");
        if (i % 250 == 7) {
            // Above the client's 4 KiB compression threshold: travels zlib-compressed.
            while (sb.length() < 10000) {
                sb.append(" pad-").append(i);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Message message(String topic, String run, int i) {
        Message m = new Message(topic, tag(i), body(run, i));
        m.setKeys(Arrays.asList("key-" + run + "-" + i, "k2-" + i));
        m.putUserProperty(P_RUN, run);
        m.putUserProperty(P_INDEX, Integer.toString(i));
        m.putUserProperty(P_TEXT, text(i));
        return m;
    }

    static String check(String topic, String run, MessageExt mx) {
        int i;
        try {
            i = Integer.parseInt(mx.getUserProperty(P_INDEX));
        } catch (Exception e) {
            return "message " + mx.getMsgId() + " has bad " + P_INDEX + "=" + mx.getUserProperty(P_INDEX);
        }
        if (!topic.equals(mx.getTopic())) {
            return "#" + i + " topic " + mx.getTopic();
        }
        if (!Arrays.equals(body(run, i), mx.getBody())) {
            return "#" + i + " body differs (" + (mx.getBody() == null ? "null" : mx.getBody().length + " bytes") + ")";
        }
        if (!tag(i).equals(mx.getTags())) {
            return "#" + i + " tags " + mx.getTags();
        }
        if (!keys(run, i).equals(mx.getKeys())) {
            return "#" + i + " keys " + mx.getKeys();
        }
        if (!text(i).equals(mx.getUserProperty(P_TEXT))) {
            return "#" + i + " property " + P_TEXT + "=" + mx.getUserProperty(P_TEXT);
        }
        if (mx.getMsgId() == null || mx.getQueueOffset() < 0 || mx.getStoreTimestamp() <= 0) {
            return "#" + i + " missing msgId/queueOffset/storeTimestamp";
        }
        return null;
    }
}

package rmq.interop.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import rmq.interop.common.Opts;

/**
 * tags: a consumer subscribed to {@code TagA || TagB} gets exactly the TagA and TagB messages.
 * lite-pull: DefaultLitePullConsumer assign, seek, poll and commitSync; a second instance of
 * the group sees the committed offsets.
 */
final class TagsAndLitePull {
    private TagsAndLitePull() {
    }

    static int tags(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 300);
        String run = Clients.run();
        String[] tags = {"TagA", "TagB", "TagC"};
        DefaultMQProducer p = Clients.producer(ns, "bs_tag_pg_" + run);
        int expected = 0;
        try {
            for (int i = 0; i < count; i++) {
                String tag = tags[i % 3];
                SendResult r = p.send(Clients.message(topic, run, i, tag));
                BrokerScenarios.check(r.getSendStatus() == SendStatus.SEND_OK, "send " + r);
                if (!"TagC".equals(tag)) {
                    expected++;
                }
            }
        } finally {
            p.shutdown();
        }
        Map<Integer, String> got = new ConcurrentHashMap<>();
        List<String> wrong = new ArrayList<>();
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, "bs_tag_cg_" + run, "bs_tag_c_" + run);
        c.subscribe(topic, "TagA || TagB");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (!run.equals(m.getUserProperty(Clients.P_RUN))) {
                    continue;
                }
                if (!"TagA".equals(m.getTags()) && !"TagB".equals(m.getTags())) {
                    synchronized (wrong) {
                        wrong.add(m.getTags());
                    }
                }
                got.put(Integer.parseInt(m.getUserProperty(Clients.P_INDEX)), m.getTags());
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        final int want = expected;
        boolean all = Clients.waitFor(60000, () -> got.size() >= want);
        // Give a stray TagC the chance to show up before judging.
        Thread.sleep(2000);
        c.shutdown();
        Map<String, Integer> perTag = new TreeMap<>();
        got.values().forEach(t -> perTag.merge(t, 1, Integer::sum));
        System.out.printf("[tags] received %d (expected %d), per tag %s%n", got.size(), want, perTag);
        BrokerScenarios.check(wrong.isEmpty(), "delivered tags outside the subscription: " + wrong);
        BrokerScenarios.check(all && got.size() == want, "received " + got.size() + " of " + want);
        System.out.println("[tags] OK");
        return 0;
    }

    static int litePull(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 200);
        String run = Clients.run();
        DefaultMQProducer p = Clients.producer(ns, "bs_lp_pg_" + run);
        MessageQueue target;
        try {
            SendResult r = p.send(Clients.message(topic, run, 0, "Lite"));
            target = r.getMessageQueue();
            for (int i = 1; i < count; i++) {
                // All to the first message's queue (synchronized by queue selection).
                SendResult ri = p.send(Clients.message(topic, run, i, "Lite"), (mqs, msg, arg) -> {
                    for (MessageQueue mq : mqs) {
                        if (mq.equals(arg)) {
                            return mq;
                        }
                    }
                    return mqs.get(0);
                }, target);
                BrokerScenarios.check(ri.getMessageQueue().equals(target), "sent to " + ri.getMessageQueue());
            }
        } finally {
            p.shutdown();
        }
        String group = "bs_lp_cg_" + run;
        DefaultLitePullConsumer c = new DefaultLitePullConsumer(group);
        c.setNamesrvAddr(ns);
        c.setInstanceName("bs_lp_c_" + run);
        c.setVipChannelEnabled(false);
        c.setAutoCommit(false);
        c.start();
        long base;
        try {
            Collection<MessageQueue> mqs = c.fetchMessageQueues(topic);
            BrokerScenarios.check(mqs.contains(target), "fetchMessageQueues " + mqs + " lacks " + target);
            c.assign(java.util.Collections.singletonList(target));
            // Find where this run starts: first message of the run on the queue. The whole run
            // is read first: a pull the client still has in flight when seek() is called can
            // put its (older) messages after the seek (a race in Java's DefaultLitePullConsumerImpl:
            // the new pull task clears the seek offset before the old one checks it), so the
            // seek comes only once every pull in flight is past the run.
            c.seekToBegin(target);
            List<MessageExt> firstBatch = pollRun(c, run, count, 30000);
            BrokerScenarios.check(firstBatch.size() >= count, "read " + firstBatch.size() + " of the run from the beginning");
            base = firstBatch.get(0).getQueueOffset() - Integer.parseInt(firstBatch.get(0).getUserProperty(Clients.P_INDEX));
            for (int i = 0; i < count; i++) {
                int idx = Integer.parseInt(firstBatch.get(i).getUserProperty(Clients.P_INDEX));
                BrokerScenarios.check(idx == i, "from the beginning got #" + idx + " at position " + i);
            }
            // seek to the middle of the run and read the rest in order.
            int mid = count / 2;
            c.seek(target, base + mid);
            List<MessageExt> rest = pollRun(c, run, count - mid, 30000);
            BrokerScenarios.check(rest.size() >= count - mid, "read " + rest.size() + " after seek");
            for (int i = 0; i < count - mid; i++) {
                int idx = Integer.parseInt(rest.get(i).getUserProperty(Clients.P_INDEX));
                BrokerScenarios.check(idx == mid + i, "after seek got #" + idx + " at position " + i);
                String err = Clients.check(topic, run, rest.get(i), "Lite");
                BrokerScenarios.check(err == null, err);
            }
            c.commitSync();
            Long committed = c.committed(target);
            System.out.printf("[lite-pull] queue %s base %d committed %d%n", target, base, committed);
            BrokerScenarios.check(committed != null && committed == base + count,
                "committed " + committed + ", expected " + (base + count));
        } finally {
            c.shutdown();
        }
        // A new instance of the group starts from the committed offset.
        DefaultLitePullConsumer c2 = new DefaultLitePullConsumer(group);
        c2.setNamesrvAddr(ns);
        c2.setInstanceName("bs_lp_c2_" + run);
        c2.setVipChannelEnabled(false);
        c2.start();
        try {
            Long committed = c2.committed(target);
            BrokerScenarios.check(committed != null && committed == base + count,
                "second instance sees committed " + committed);
        } finally {
            c2.shutdown();
        }
        System.out.println("[lite-pull] OK");
        return 0;
    }

    private static List<MessageExt> pollRun(DefaultLitePullConsumer c, String run, int want, long timeoutMs) {
        List<MessageExt> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (out.size() < want && System.currentTimeMillis() < deadline) {
            for (MessageExt m : c.poll(1000)) {
                if (run.equals(m.getUserProperty(Clients.P_RUN))) {
                    out.add(m);
                }
            }
        }
        return out;
    }
}

package rmq.interop.broker;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** Client construction and message helpers shared by the broker scenarios. */
final class Clients {
    static final String P_RUN = "bsRun";
    static final String P_INDEX = "bsIdx";
    static final String P_TEXT = "bsText";
    static final String TEXT = "值-ünïcödé-✓";

    private Clients() {
    }

    static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static DefaultMQProducer producer(String namesrv, String group) throws MQClientException {
        DefaultMQProducer p = new DefaultMQProducer(group);
        p.setNamesrvAddr(namesrv);
        p.setInstanceName(group + "_i");
        p.setVipChannelEnabled(false);
        p.setSendMsgTimeout(10000);
        p.start();
        return p;
    }

    static DefaultMQPushConsumer pushConsumer(String namesrv, String group, String instance) {
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(group);
        c.setNamesrvAddr(namesrv);
        c.setInstanceName(instance);
        c.setVipChannelEnabled(false);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        return c;
    }

    /** A message with keys, a tag and user properties, one of them non-ASCII. */
    static Message message(String topic, String run, int index, String tag) {
        String body = "broker-scenario " + run + " #" + index + " " + TEXT;
        Message m = new Message(topic, tag, "key-" + run + "-" + index + " k2-" + index,
            body.getBytes(StandardCharsets.UTF_8));
        m.putUserProperty(P_RUN, run);
        m.putUserProperty(P_INDEX, Integer.toString(index));
        m.putUserProperty(P_TEXT, TEXT);
        return m;
    }

    /** Returns null when the received message is what {@link #message} built, else the difference. */
    static String check(String topic, String run, MessageExt m, String expectTag) {
        String idx = m.getUserProperty(P_INDEX);
        String expectBody = "broker-scenario " + run + " #" + idx + " " + TEXT;
        String body = new String(m.getBody(), StandardCharsets.UTF_8);
        if (!expectBody.equals(body)) {
            return "#" + idx + " body " + body;
        }
        if (!topic.equals(m.getTopic())) {
            return "#" + idx + " topic " + m.getTopic();
        }
        if (expectTag != null && !expectTag.equals(m.getTags())) {
            return "#" + idx + " tags " + m.getTags();
        }
        if (!("key-" + run + "-" + idx + " k2-" + idx).equals(m.getKeys())) {
            return "#" + idx + " keys " + m.getKeys();
        }
        if (!TEXT.equals(m.getUserProperty(P_TEXT))) {
            return "#" + idx + " property " + m.getUserProperty(P_TEXT);
        }
        if (m.getMsgId() == null || m.getMsgId().isEmpty()) {
            return "#" + idx + " no msgId";
        }
        return null;
    }

    /** Queues the consumer currently holds (its rebalance result). */
    static Set<MessageQueue> assigned(DefaultMQPushConsumer c) {
        return c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet();
    }

    /** Polls `cond` every 100 ms until true or the timeout; returns its last value. */
    static boolean waitFor(long timeoutMs, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (cond.getAsBoolean()) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return cond.getAsBoolean();
    }
}

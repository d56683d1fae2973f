package rmq.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.common.utils.MessageUtils;

/**
 * Writes (JSON, stdout) the properties strings a Java 5.3.3 broker stores for a set of
 * client properties strings, by running the broker's own steps with rocketmq-common's
 * {@code MessageDecoder}, whose {@code HashMap} order rmq must reproduce. Each step is the
 * named broker method's sequence of map operations; the region is "DefaultRegion", the trace
 * switch true (Java defaults), the cluster "DefaultCluster", the max delay level 18, a generated UNIQ_KEY
 * "FIXEDUNIQ" and a looked-up message id "MSGID".
 *
 * <p>Output: crates/rmq-broker/tests/data/java_properties_golden.json
 * ({@code java -cp 'target/classes:target/lib/*' rmq.interop.PropertiesOrderGolden}).
 */
public final class PropertiesOrderGolden {
    private PropertiesOrderGolden() {
    }

    /** AbstractSendMessageProcessor.buildMsgContext. */
    static String buildMsgContext(String p) {
        Map<String, String> properties = MessageDecoder.string2messageProperties(p);
        properties.put(MessageConst.PROPERTY_MSG_REGION, "DefaultRegion");
        properties.put(MessageConst.PROPERTY_TRACE_SWITCH, String.valueOf(true));
        return MessageDecoder.messageProperties2String(properties);
    }

    /** SendMessageProcessor.clearReservedProperties. */
    static String clearReserved(String p) {
        return MessageUtils.deleteProperty(p, MessageConst.PROPERTY_POP_CK);
    }

    /** SendMessageProcessor.sendMessage, handleRetryAndDLQ and HookUtils.handleScheduleMessage. */
    static String send(String p, boolean dlq, String topic, int queueId) {
        Map<String, String> oriProps = MessageDecoder.string2messageProperties(clearReserved(buildMsgContext(p)));
        if (dlq) {
            oriProps.put(MessageConst.PROPERTY_DELAY_TIME_LEVEL, "-1");
        }
        String uniqKey = oriProps.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (uniqKey == null || uniqKey.length() <= 0) {
            oriProps.put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "FIXEDUNIQ");
        }
        MessageExtBrokerInner msg = new MessageExtBrokerInner();
        msg.setTopic(topic);
        msg.setQueueId(queueId);
        MessageAccessor.setProperties(msg, oriProps);
        MessageAccessor.putProperty(msg, MessageConst.PROPERTY_CLUSTER, "DefaultCluster");
        msg.setPropertiesString(MessageDecoder.messageProperties2String(msg.getProperties()));
        scheduleHook(msg);
        return msg.getPropertiesString();
    }

    /** HookUtils.checkIfTimerMessage and transformDelayLevelMessage of a NOT_TYPE message. */
    static void scheduleHook(MessageExtBrokerInner msg) {
        if (msg.getDelayTimeLevel() <= 0) {
            return;
        }
        for (String k : new String[] {MessageConst.PROPERTY_TIMER_DELIVER_MS,
            MessageConst.PROPERTY_TIMER_DELAY_SEC, MessageConst.PROPERTY_TIMER_DELAY_MS}) {
            if (msg.getProperty(k) != null) {
                MessageAccessor.clearProperty(msg, k);
            }
        }
        if (msg.getDelayTimeLevel() > 18) {
            msg.setDelayTimeLevel(18);
        }
        MessageAccessor.putProperty(msg, MessageConst.PROPERTY_REAL_TOPIC, msg.getTopic());
        MessageAccessor.putProperty(msg, MessageConst.PROPERTY_REAL_QUEUE_ID, String.valueOf(msg.getQueueId()));
        msg.setPropertiesString(MessageDecoder.messageProperties2String(msg.getProperties()));
    }

    /** SendMessageProcessor.sendBatchMessage: the batch's own properties. */
    static String batch(String p) {
        Map<String, String> m = MessageDecoder.string2messageProperties(clearReserved(buildMsgContext(p)));
        m.put(MessageConst.PROPERTY_CLUSTER, "DefaultCluster");
        return MessageDecoder.messageProperties2String(m);
    }

    /** AbstractSendMessageProcessor.consumerSendMsgBack of a record of topic TopicA. */
    static String sendBack(String stored, int delayLevel, boolean dlq, int queueId) {
        MessageExt msgExt = new MessageExt();
        msgExt.setTopic("TopicA");
        MessageAccessor.setProperties(msgExt, MessageDecoder.string2messageProperties(stored));
        if (msgExt.getProperty(MessageConst.PROPERTY_RETRY_TOPIC) == null) {
            MessageAccessor.putProperty(msgExt, MessageConst.PROPERTY_RETRY_TOPIC, msgExt.getTopic());
        }
        msgExt.setWaitStoreMsgOK(false);
        msgExt.setDelayTimeLevel(dlq ? 0 : delayLevel);
        MessageExtBrokerInner msgInner = new MessageExtBrokerInner();
        msgInner.setTopic(dlq ? "%DLQ%g" : "%RETRY%g");
        msgInner.setQueueId(queueId);
        MessageAccessor.setProperties(msgInner, msgExt.getProperties());
        String originMsgId = MessageAccessor.getOriginMessageId(msgExt);
        MessageAccessor.setOriginMessageId(msgInner,
            originMsgId == null || originMsgId.trim().isEmpty() ? "MSGID" : originMsgId);
        msgInner.setPropertiesString(MessageDecoder.messageProperties2String(msgExt.getProperties()));
        scheduleHook(msgInner);
        return msgInner.getPropertiesString();
    }

    /** ScheduleMessageService.messageTimeUp: the string is encoded before the clears. */
    static String timeUp(String stored) {
        return MessageDecoder.messageProperties2String(MessageDecoder.string2messageProperties(stored));
    }

    /** ReplyMessageProcessor: stored string, and the pushed one with PUSH_REPLY_TIME. */
    static String replyPushed(String p) {
        Map<String, String> m = MessageDecoder.string2messageProperties(buildMsgContext(p));
        m.put(MessageConst.PROPERTY_PUSH_REPLY_TIME, "1700000000000");
        return MessageDecoder.messageProperties2String(m);
    }

    public static void main(String[] args) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("client", "KEYS\u0001order-1 order-2\u0002TAGS\u0001TagA\u0002WAIT\u0001true\u0002"
            + "UNIQ_KEY\u00017F0000010B5018B4AAC20A1B2C3D0000\u0002");
        inputs.put("non_ascii", "键\u0001值\u0002ключ\u0001значение\u0002emoji\u0001😀🚀\u0002TAGS\u0001标签\u0002"
            + "UNIQ_KEY\u0001U1\u0002é\u0001ü\u0002𝄞\u0001clef\u0002");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            many.append("prop").append(i).append('\u0001').append("v").append(i).append('\u0002');
        }
        inputs.put("over_96", many.append("UNIQ_KEY\u0001U2\u0002").toString());
        inputs.put("colliding_with_pop_ck", "BB\u0001x\u0002Aa\u0001y\u0002C#\u0001z\u0002UNIQ_KEY\u0001U3\u0002"
            + "POP_CK\u0001ck\u0002");
        inputs.put("malformed", "\u0001novalue\u0002k\u0001\u0002a\u0001b\u0001c\u0002UNIQ_KEY\u0001U4\u0002TAGS\u0001t");
        inputs.put("delay", "DELAY\u000140\u0002TIMER_DELAY_MS\u00015000\u0002TAGS\u0001T\u0002UNIQ_KEY\u0001U5\u0002"
            + "WAIT\u0001true\u0002");
        inputs.put("no_uniq_key", "TAGS\u0001T\u0002KEYS\u0001k\u0002");
        List<String> cases = new ArrayList<>();
        for (Map.Entry<String, String> e : inputs.entrySet()) {
            String p = e.getValue();
            String stored = send(p, false, "TopicA", 3);
            StringBuilder sb = new StringBuilder("  {");
            sb.append("\"name\": ").append(Json.quote(e.getKey()));
            sb.append(",\n   \"input\": ").append(Json.quote(p));
            sb.append(",\n   \"send\": ").append(Json.quote(stored));
            // With DELAY=-1 a message with timer properties is a timer message (timer wheel),
            // which neither this tool nor rmq models: null.
            boolean timer = p.contains(MessageConst.PROPERTY_TIMER_DELAY_MS);
            sb.append(",\n   \"send_dlq\": ").append(Json.quote(timer ? null : send(p, true, "%RETRY%g", 0)));
            sb.append(",\n   \"batch\": ").append(Json.quote(batch(p)));
            sb.append(",\n   \"send_back\": ").append(Json.quote(sendBack(stored, 3, false, 0)));
            sb.append(",\n   \"send_back_dlq\": ").append(Json.quote(sendBack(stored, -1, true, 0)));
            sb.append(",\n   \"time_up\": ").append(Json.quote(timeUp(stored)));
            sb.append(",\n   \"reply_stored\": ").append(Json.quote(buildMsgContext(p)));
            sb.append(",\n   \"reply_pushed\": ").append(Json.quote(replyPushed(p)));
            sb.append("}");
            cases.add(sb.toString());
        }
        System.out.println("[\n" + String.join(",\n", cases) + "\n]");
    }
}

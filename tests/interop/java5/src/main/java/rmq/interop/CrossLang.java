package rmq.interop;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONObject;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import rmq.interop.common.Opts;

/**
 * Java side of rmq-client's cross-language checks (driven by tests/interop/client.sh).
 *
 * <pre>
 *   CrossLang produce -n NAMESRV -t TOPIC [-c 1000] --out FILE
 *   CrossLang consume -n NAMESRV -t TOPIC --expect FILE [--timeout-s 120]
 * </pre>
 *
 * Both write or read one JSON object per line:
 * {"uniqKey","topic","tags","keys","props":{...},"bodyHex"}. produce records every property of
 * the message as the Java client left it after a successful send (UNIQ_KEY and WAIT
 * included); consume checks that each expected message arrived with the same topic, tags,
 * keys, body and every recorded property. Exit 0 on success, 1 on a failed check, 2 on a bad
 * command line.
 */
public final class CrossLang {
    private CrossLang() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: CrossLang produce|consume -n NAMESRV -t TOPIC ...");
            System.exit(2);
        }
        int rc;
        try {
            Opts o = Opts.parse(args, 1);
            switch (args[0]) {
                case "produce":
                    rc = produce(o);
                    break;
                case "consume":
                    rc = consume(o);
                    break;
                default:
                    System.err.println("unknown subcommand " + args[0]);
                    rc = 2;
            }
        } catch (Opts.UsageException e) {
            System.err.println(e.getMessage());
            rc = 2;
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.println("FAIL CrossLang " + args[0] + ": " + t);
            rc = 1;
        }
        System.exit(rc);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(String.format("%02X", x & 0xFF));
        }
        return sb.toString();
    }

    static Message javaMessage(String topic, int i) {
        String body;
        if (i % 250 == 0) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 700; k++) {
                sb.append("java-").append(i).append("-压缩-");
            }
            body = sb.toString();
        } else {
            body = "java body " + i + " ✓ äöü 中文";
        }
        Message m = new Message(topic, i % 2 == 0 ? "TagA" : "TagB", body.getBytes(StandardCharsets.UTF_8));
        m.setKeys(Arrays.asList("jkey-" + i, "jk2-" + (i % 5)));
        m.putUserProperty("seq", "java-" + i);
        m.putUserProperty("名字", "值-" + i + "-✓");
        m.putUserProperty("lang", "java");
        return m;
    }

    static int produce(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 1000);
        DefaultMQProducer p = new DefaultMQProducer("java_xlang_p_" + System.nanoTime());
        p.setNamesrvAddr(ns);
        p.start();
        try (BufferedWriter w = Files.newBufferedWriter(Paths.get(o.require("out")), StandardCharsets.UTF_8)) {
            for (int i = 0; i < count; i++) {
                Message m = javaMessage(topic, i);
                SendResult r = p.send(m);
                if (r.getSendStatus() != SendStatus.SEND_OK) {
                    throw new IllegalStateException("send status " + r.getSendStatus());
                }
                JSONObject line = new JSONObject(true);
                line.put("uniqKey", r.getMsgId());
                line.put("topic", topic);
                line.put("tags", m.getTags());
                line.put("keys", m.getKeys());
                line.put("props", new TreeMap<>(m.getProperties()));
                line.put("bodyHex", hex(javaMessage(topic, i).getBody()));
                w.write(line.toJSONString());
                w.newLine();
            }
        } finally {
            p.shutdown();
        }
        System.out.println("java producer sent " + count + " messages to " + topic);
        return 0;
    }

    static int consume(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        long timeoutMs = o.getLong("timeout-s", 120) * 1000;
        Map<String, JSONObject> want = new TreeMap<>();
        for (String l : Files.readAllLines(Paths.get(o.require("expect")), StandardCharsets.UTF_8)) {
            if (!l.trim().isEmpty()) {
                JSONObject j = JSON.parseObject(l);
                want.put(j.getString("uniqKey"), j);
            }
        }
        Map<String, MessageExt> got = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c = new DefaultMQPushConsumer("java_xlang_c_" + System.nanoTime());
        c.setNamesrvAddr(ns);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                got.put(m.getMsgId(), m);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        long end = System.currentTimeMillis() + timeoutMs;
        try {
            while (System.currentTimeMillis() < end && !got.keySet().containsAll(want.keySet())) {
                Thread.sleep(200);
            }
        } finally {
            c.shutdown();
        }
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, JSONObject> e : want.entrySet()) {
            String k = e.getKey();
            JSONObject j = e.getValue();
            MessageExt m = got.get(k);
            if (m == null) {
                errors.add(k + ": not received");
                continue;
            }
            if (!j.getString("topic").equals(m.getTopic())) {
                errors.add(k + ": topic " + m.getTopic());
            }
            if (!String.valueOf(j.getString("tags")).equals(String.valueOf(m.getTags()))) {
                errors.add(k + ": tags " + m.getTags() + " vs " + j.getString("tags"));
            }
            if (!String.valueOf(j.getString("keys")).equals(String.valueOf(m.getKeys()))) {
                errors.add(k + ": keys " + m.getKeys() + " vs " + j.getString("keys"));
            }
            if (!j.getString("bodyHex").equals(hex(m.getBody()))) {
                errors.add(k + ": body differs (" + m.getBody().length + " bytes)");
            }
            JSONObject props = j.getJSONObject("props");
            for (String pk : props.keySet()) {
                String pv = props.getString(pk);
                if (!pv.equals(m.getProperty(pk))) {
                    errors.add(k + ": property " + pk + " = " + m.getProperty(pk) + ", want " + pv);
                }
            }
        }
        System.out.println("expected " + want.size() + " messages from the rmq-client producer, received "
            + got.size() + " distinct; " + errors.size() + " mismatches");
        for (int i = 0; i < Math.min(10, errors.size()); i++) {
            System.out.println("  " + errors.get(i));
        }
        if (!errors.isEmpty()) {
            System.out.println("FAIL CrossLang consume");
            return 1;
        }
        System.out.println("PASS CrossLang consume");
        return 0;
    }
}

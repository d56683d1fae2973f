package rmq.interop.store;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.GetMessageResult;
import org.apache.rocketmq.store.GetMessageStatus;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.QueryMessageResult;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;

/**
 * Java side of the store interop test (tests/interop/store.sh).
 *
 * <pre>
 *   StoreTool write DIR N   write N generated messages with Java's DefaultMessageStore
 *   StoreTool dump DIR N    open the store in DIR and print every message, by queue and by key
 * </pre>
 *
 * The generator and the dump format are mirrored by crates/rmq-store/examples/store_interop.rs,
 * so a store written by one side dumps identically on both (store timestamps aside).
 */
public final class StoreTool {
    static final String LONG_TOPIC = repeat('L', 150);
    static final String[] TOPICS = {"InteropA", "InteropB", LONG_TOPIC};
    static final int[] QUEUES = {4, 2, 1};

    private StoreTool() {
    }

    static String repeat(char c, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(c);
        }
        return sb.toString();
    }

    static MessageStoreConfig config(String dir) {
        MessageStoreConfig c = new MessageStoreConfig();
        c.setStorePathRootDir(dir);
        c.setStorePathCommitLog(dir + "/commitlog");
        c.setMappedFileSizeCommitLog(256 * 1024);
        c.setMappedFileSizeConsumeQueue(20 * 1000);
        c.setMaxHashSlotNum(10000);
        c.setMaxIndexNum(40000);
        c.setHaListenPort(0);
        c.setEnableCompaction(false);
        c.setTimerWheelEnable(false);
        return c;
    }

    static DefaultMessageStore open(String dir) throws Exception {
        BrokerConfig bc = new BrokerConfig();
        DefaultMessageStore store = new DefaultMessageStore(config(dir), new BrokerStatsManager("interop", true),
            (topic, queueId, logicOffset, tagsCode, msgStoreTime, filterBitMap, properties) -> { },
            bc, new ConcurrentHashMap<>());
        if (!store.load()) {
            throw new IllegalStateException("load failed");
        }
        store.start();
        return store;
    }

    /** Message i of the generator; must match store_interop.rs. */
    static MessageExtBrokerInner message(int i) {
        int t = i % 7 == 6 ? 2 : i % 3 == 2 ? 1 : 0;
        MessageExtBrokerInner m = new MessageExtBrokerInner();
        m.setTopic(TOPICS[t]);
        m.setQueueId(i % QUEUES[t]);
        m.setFlag(i % 5);
        StringBuilder body = new StringBuilder("body-" + i + "-");
        for (int k = 0; k < i % 300; k++) {
            body.append((char) ('a' + k % 26));
        }
        m.setBody(body.toString().getBytes(StandardCharsets.UTF_8));
        String props = "KEYS\u0001k" + i + " kk" + (i % 7) + "\u0002TAGS\u0001tag" + (i % 3)
            + "\u0002UNIQ_KEY\u0001UNIQ" + String.format("%08d", i) + "\u0002";
        m.setPropertiesString(props);
        MessageAccessor.setProperties(m, MessageDecoder.string2messageProperties(props));
        m.setTagsCode(MessageExtBrokerInner.tagsString2tagsCode("tag" + (i % 3)));
        m.setBornTimestamp(1_700_000_000_000L + i);
        m.setBornHost(i % 10 == 9 ? new InetSocketAddress("::1", 4000 + i % 7) : new InetSocketAddress("10.0.0.1", 5555));
        m.setStoreHost(i % 15 == 14 ? new InetSocketAddress("fe80::2", 10911) : new InetSocketAddress("10.0.0.2", 10911));
        m.setReconsumeTimes(i % 4);
        m.setSysFlag(0);
        return m;
    }

    static void write(String dir, int n) throws Exception {
        DefaultMessageStore store = open(dir);
        for (int i = 0; i < n; i++) {
            PutMessageResult r = store.putMessage(message(i));
            if (!r.isOk()) {
                throw new IllegalStateException("put " + i + " failed: " + r);
            }
        }
        while (store.dispatchBehindBytes() > 0) {
            Thread.sleep(10);
        }
        store.shutdown();
    }

    static String hex(byte[] b) {
        return UtilAll.bytes2string(b);
    }

    static String line(MessageExt m) {
        Map<String, String> props = new TreeMap<>(m.getProperties());
        StringBuilder p = new StringBuilder();
        for (Map.Entry<String, String> e : props.entrySet()) {
            p.append(e.getKey()).append('=').append(e.getValue()).append(';');
        }
        InetSocketAddress born = (InetSocketAddress) m.getBornHost();
        InetSocketAddress st = (InetSocketAddress) m.getStoreHost();
        return m.getTopic().length() + ":" + m.getTopic().substring(0, Math.min(10, m.getTopic().length()))
            + " q=" + m.getQueueId() + " qo=" + m.getQueueOffset() + " phy=" + m.getCommitLogOffset()
            + " size=" + m.getStoreSize() + " sys=" + m.getSysFlag() + " flag=" + m.getFlag()
            + " born=" + m.getBornTimestamp() + "@" + hex(born.getAddress().getAddress()) + ":" + born.getPort()
            + " store=" + hex(st.getAddress().getAddress()) + ":" + st.getPort()
            + " recon=" + m.getReconsumeTimes() + " crc=" + m.getBodyCRC()
            + " body=" + UtilAll.crc32(m.getBody()) + "/" + m.getBody().length
            + " msgId=" + m.getMsgId() + " props=" + p;
    }

    static void dump(String dir, int n) throws Exception {
        DefaultMessageStore store = open(dir);
        StringBuilder out = new StringBuilder();
        for (int t = 0; t < TOPICS.length; t++) {
            for (int q = 0; q < QUEUES[t]; q++) {
                long min = store.getMinOffsetInQueue(TOPICS[t], q);
                long max = store.getMaxOffsetInQueue(TOPICS[t], q);
                out.append("queue ").append(t).append('/').append(q).append(" min=").append(min).append(" max=").append(max).append('\n');
                long off = min;
                while (off < max) {
                    GetMessageResult r = store.getMessage("g", TOPICS[t], q, off, 32, null);
                    if (r.getStatus() != GetMessageStatus.FOUND) {
                        throw new IllegalStateException("get " + t + "/" + q + "@" + off + ": " + r.getStatus());
                    }
                    for (ByteBuffer b : r.getMessageBufferList()) {
                        MessageExt m = MessageDecoder.decode(b, true, false);
                        out.append(line(m)).append('\n');
                    }
                    r.release();
                    off = r.getNextBeginOffset();
                }
            }
        }
        for (int i = 0; i < n; i++) {
            MessageExtBrokerInner m = message(i);
            QueryMessageResult r = store.queryMessage(m.getTopic(), "UNIQ" + String.format("%08d", i), 32, 0, Long.MAX_VALUE);
            List<Long> offs = new ArrayList<>();
            for (ByteBuffer b : r.getMessageBufferList()) {
                offs.add(MessageDecoder.decode(b, true, false).getCommitLogOffset());
            }
            Collections.sort(offs);
            out.append("key ").append(i).append(' ').append(offs).append('\n');
        }
        store.shutdown();
        System.out.print(out);
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "write":
                write(args[1], Integer.parseInt(args[2]));
                break;
            case "dump":
                dump(args[1], Integer.parseInt(args[2]));
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
        System.exit(0);
    }
}

package rmq.interop.store;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.GetMessageResult;
import org.apache.rocketmq.store.GetMessageStatus;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;

/**
 * Java half of bench/store-compare.sh: the same workload as crates/rmq-store/examples/store_bench.rs
 * against Java's DefaultMessageStore.putMessage / getMessage (default config, ASYNC_FLUSH).
 *
 * <pre>
 *   StoreBench put DIR WRITERS MESSAGES BODY_BYTES
 *   StoreBench get DIR MESSAGES BODY_BYTES
 * </pre>
 */
public final class StoreBench {
    private StoreBench() {
    }

    static DefaultMessageStore open(String dir) throws Exception {
        MessageStoreConfig c = new MessageStoreConfig();
        c.setStorePathRootDir(dir);
        c.setStorePathCommitLog(dir + "/commitlog");
        c.setHaListenPort(0);
        c.setEnableCompaction(false);
        DefaultMessageStore store = new DefaultMessageStore(c, new BrokerStatsManager("bench", true),
            (topic, queueId, logicOffset, tagsCode, msgStoreTime, filterBitMap, properties) -> { },
            new BrokerConfig(), new ConcurrentHashMap<>());
        if (!store.load()) {
            throw new IllegalStateException("load failed");
        }
        store.start();
        return store;
    }

    static MessageExtBrokerInner message(byte[] body, int queueId) {
        MessageExtBrokerInner m = new MessageExtBrokerInner();
        m.setTopic("BenchTopic");
        m.setQueueId(queueId);
        m.setBody(body);
        String props = "TAGS\u0001bench\u0002WAIT\u0001true\u0002";
        m.setPropertiesString(props);
        MessageAccessor.setProperties(m, MessageDecoder.string2messageProperties(props));
        m.setTagsCode(MessageExtBrokerInner.tagsString2tagsCode("bench"));
        m.setBornTimestamp(1);
        m.setBornHost(new InetSocketAddress("127.0.0.1", 9000));
        m.setStoreHost(new InetSocketAddress("127.0.0.1", 10911));
        return m;
    }

    static double put(DefaultMessageStore store, int writers, int total, int bodyLen) throws Exception {
        byte[] body = new byte[bodyLen];
        java.util.Arrays.fill(body, (byte) 'x');
        Thread[] ts = new Thread[writers];
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            final int q = w % 8;
            ts[w] = new Thread(() -> {
                for (int i = 0; i < total / writers; i++) {
                    // A fresh message per put, as the broker builds one per request.
                    PutMessageResult r = store.putMessage(message(body, q));
                    if (!r.isOk()) {
                        throw new IllegalStateException(String.valueOf(r));
                    }
                }
            });
            ts[w].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    public static void main(String[] a) throws Exception {
        String dir = a[1];
        if (a[0].equals("put")) {
            int writers = Integer.parseInt(a[2]);
            int n = Integer.parseInt(a[3]);
            DefaultMessageStore store = open(dir);
            double secs = put(store, writers, n, Integer.parseInt(a[4]));
            System.out.printf("java put writers=%d msgs=%d secs=%.3f msgs_per_sec=%.0f%n", writers, n, secs, n / secs);
            store.shutdown();
        } else {
            int n = Integer.parseInt(a[2]);
            DefaultMessageStore store = open(dir);
            put(store, 4, n, Integer.parseInt(a[3]));
            while (store.dispatchBehindBytes() > 0) {
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            long read = 0;
            long bytes = 0;
            for (int q = 0; q < 8; q++) {
                long off = 0;
                while (true) {
                    GetMessageResult r = store.getMessage("g", "BenchTopic", q, off, 32, 1 << 30, null);
                    if (r.getStatus() != GetMessageStatus.FOUND) {
                        break;
                    }
                    read += r.getMessageCount();
                    bytes += r.getBufferTotalSize();
                    // Touch the bytes as a pull response would.
                    for (ByteBuffer b : r.getMessageBufferList()) {
                        bytes += b.get(b.position()) & 0;
                    }
                    r.release();
                    off = r.getNextBeginOffset();
                }
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("java get msgs=%d secs=%.3f msgs_per_sec=%.0f mib_per_sec=%.0f%n", read, secs, read / secs, bytes / secs / 1048576.0);
            store.shutdown();
        }
        System.exit(0);
    }
}

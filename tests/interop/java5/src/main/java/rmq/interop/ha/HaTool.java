package rmq.interop.ha;

import com.alibaba.fastjson.JSONObject;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.body.KVTable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import rmq.interop.common.Opts;

/**
 * Helpers of tests/interop/ha.sh (classic master/slave replication), with the 5.3.3 client.
 *
 * <pre>
 *   HaTool produce -n NS -t TOPIC --out FILE [-c N] [--stop-file F] [--strict] [--body-size 0]
 *                  [--poll-ns-ms 30000] [--pause-ms 0]
 *   HaTool create-topic --addr A[,B...] -t TOPIC [-q 4]
 *   HaTool offsets --addr A
 *   HaTool wait-synced --master A --slave B [--timeout-s 120]
 * </pre>
 *
 * {@code produce} sends synchronously, one message after the other, and appends one JSON line
 * per SEND_OK message to FILE (flushed at once, so the file is right whenever the process is
 * stopped), in the format {@code CrossLang consume} and {@code rmq-client-scenarios
 * xlang-consume} check: {@code uniqKey, topic, tags, keys, props, bodyHex}. It stops after N
 * sends (N &gt; 0) or once the stop file exists. Without {@code --strict} a failed send (an
 * exception or a non-OK status such as FLUSH_SLAVE_TIMEOUT) is counted and the loop goes on
 * (after 100 ms for an exception); with it the first one fails the run. The last line is
 * {@code HA_PRODUCE sent=.. ok=.. errors=.. statuses={..}}. {@code --poll-ns-ms} sets how often
 * the client refreshes its routes (pollNameServerInterval; a failover test shortens it so the
 * time to the new master is the servers', not the client's 30 s refresh). {@code --pause-ms}
 * waits that long after each SEND_OK (keeps a long run's message count small).
 *
 * {@code wait-synced} polls both brokers' runtime info until the slave's
 * {@code commitLogMaxOffset} equals the master's (non-zero) and prints
 * {@code HA_SYNCED <offset>}.
 */
public final class HaTool {
    private HaTool() {
    }

    public static void main(String[] args) {
        // As rmq.interop.Logging.quietClientLogs (package-private there).
        System.setProperty("rmq.logback.configurationFile", "rmq.client.logback.xml");
        System.setProperty("logback.statusListenerClass", "org.apache.rocketmq.logging.ch.qos.logback.core.status.NopStatusListener");
        if (args.length < 1) {
            System.err.println("usage: HaTool produce|create-topic|offsets|wait-synced ...");
            System.exit(2);
        }
        int rc;
        try {
            Opts o = Opts.parse(args, 1);
            switch (args[0]) {
                case "produce":
                    rc = produce(o);
                    break;
                case "create-topic":
                    rc = createTopic(o);
                    break;
                case "offsets":
                    rc = offsets(o);
                    break;
                case "wait-synced":
                    rc = waitSynced(o);
                    break;
                default:
                    System.err.println("unknown subcommand " + args[0]);
                    rc = 2;
            }
        } catch (Opts.UsageException e) {
            System.err.println(e.getMessage());
            rc = 2;
        } catch (Opts.CheckFailed e) {
            System.out.println("FAIL HaTool " + args[0] + ": " + e.getMessage());
            rc = 1;
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.out.println("FAIL HaTool " + args[0] + ": " + t);
            rc = 1;
        }
        System.out.flush();
        System.exit(rc);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(String.format("%02X", x & 0xFF));
        }
        return sb.toString();
    }

    static Message message(String topic, String run, int i, int bodySize) {
        StringBuilder body = new StringBuilder("ha ").append(run).append(' ').append(i).append(" ✓ ");
        while (body.length() < bodySize) {
            body.append((char) ('a' + (body.length() % 26)));
        }
        Message m = new Message(topic, i % 2 == 0 ? "TagA" : "TagB", body.toString().getBytes(StandardCharsets.UTF_8));
        m.setKeys(Arrays.asList("hakey-" + run + "-" + i));
        m.putUserProperty("haSeq", Integer.toString(i));
        return m;
    }

    static int produce(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        Path out = Paths.get(o.require("out"));
        int count = o.getInt("c", 0);
        int bodySize = o.getInt("body-size", 0);
        Path stop = o.has("stop-file") ? Paths.get(o.get("stop-file", null)) : null;
        boolean strict = o.has("strict");
        int pauseMs = o.getInt("pause-ms", 0);
        if (count <= 0 && stop == null) {
            throw new Opts.UsageException("produce needs -c N or --stop-file F");
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        DefaultMQProducer p = new DefaultMQProducer("ha_pg_" + run);
        p.setNamesrvAddr(ns);
        p.setInstanceName("ha_p_" + run);
        p.setVipChannelEnabled(false);
        p.setPollNameServerInterval(o.getInt("poll-ns-ms", 30000));
        p.start();
        Map<String, Integer> statuses = new TreeMap<>();
        int ok = 0;
        int errors = 0;
        int sent = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (int i = 0; count <= 0 || i < count; i++) {
                if (stop != null && Files.exists(stop)) {
                    break;
                }
                Message m = message(topic, run, i, bodySize);
                sent++;
                SendResult r;
                try {
                    r = p.send(m);
                } catch (Exception e) {
                    errors++;
                    if (strict) {
                        throw new Opts.CheckFailed("send " + i + " failed: " + e);
                    }
                    if (errors <= 5 || errors % 100 == 0) {
                        System.out.println("send " + i + " failed (" + errors + " so far): " + e.getMessage());
                    }
                    Thread.sleep(100);
                    continue;
                }
                statuses.merge(r.getSendStatus().name(), 1, Integer::sum);
                if (r.getSendStatus() != SendStatus.SEND_OK) {
                    if (strict) {
                        throw new Opts.CheckFailed("send " + i + ": status " + r.getSendStatus());
                    }
                    continue;
                }
                ok++;
                JSONObject line = new JSONObject(true);
                line.put("uniqKey", r.getMsgId());
                line.put("topic", topic);
                line.put("tags", m.getTags());
                line.put("keys", m.getKeys());
                line.put("props", new TreeMap<>(m.getProperties()));
                line.put("bodyHex", hex(m.getBody()));
                w.write(line.toJSONString());
                w.newLine();
                w.flush();
                if (ok == 1) {
                    System.out.println("HA_PRODUCE_STARTED");
                    System.out.flush();
                }
                if (pauseMs > 0) {
                    Thread.sleep(pauseMs);
                }
            }
        } finally {
            p.shutdown();
        }
        System.out.println("HA_PRODUCE sent=" + sent + " ok=" + ok + " errors=" + errors + " statuses=" + statuses);
        return 0;
    }

    static DefaultMQAdminExt admin() throws Exception {
        DefaultMQAdminExt a = new DefaultMQAdminExt("ha_admin_" + System.nanoTime());
        a.setVipChannelEnabled(false);
        // The brokers are addressed directly; no NameServer is needed.
        a.setNamesrvAddr("127.0.0.1:1");
        a.start();
        return a;
    }

    static int createTopic(Opts o) throws Exception {
        String topic = o.require("t");
        int queues = o.getInt("q", 4);
        DefaultMQAdminExt a = admin();
        try {
            for (String addr : o.require("addr").split(",")) {
                TopicConfig tc = new TopicConfig(topic, queues, queues, 6);
                a.createAndUpdateTopicConfig(addr, tc);
                System.out.println("created " + topic + " (" + queues + " queues) on " + addr);
            }
        } finally {
            a.shutdown();
        }
        return 0;
    }

    static long maxOffset(DefaultMQAdminExt a, String addr) throws Exception {
        KVTable t = a.fetchBrokerRuntimeStats(addr);
        String v = t.getTable().get("commitLogMaxOffset");
        if (v == null) {
            throw new Opts.CheckFailed(addr + ": no commitLogMaxOffset in the runtime info");
        }
        return Long.parseLong(v.trim());
    }

    static int offsets(Opts o) throws Exception {
        DefaultMQAdminExt a = admin();
        try {
            System.out.println(maxOffset(a, o.require("addr")));
        } finally {
            a.shutdown();
        }
        return 0;
    }

    static int waitSynced(Opts o) throws Exception {
        String master = o.require("master");
        String slave = o.require("slave");
        long end = System.currentTimeMillis() + o.getLong("timeout-s", 120) * 1000;
        DefaultMQAdminExt a = admin();
        try {
            long m = -1;
            long s = -1;
            while (System.currentTimeMillis() < end) {
                try {
                    m = maxOffset(a, master);
                    s = maxOffset(a, slave);
                } catch (Opts.CheckFailed e) {
                    throw e;
                } catch (Exception e) {
                    System.out.println("runtime info: " + e.getMessage());
                }
                if (m > 0 && m == s) {
                    System.out.println("HA_SYNCED " + m);
                    return 0;
                }
                Thread.sleep(200);
            }
            throw new Opts.CheckFailed("slave " + slave + " at " + s + ", master " + master + " at " + m);
        } finally {
            a.shutdown();
        }
    }
}

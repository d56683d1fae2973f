package rmq.interop.broker;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import rmq.interop.common.Opts;

/**
 * two-namesrv: clients configured with two NameServers produce and consume; the scenario
 * prints {@code STOP-NS-NOW}, the driver stops the first NameServer (the scenario probes until
 * it refuses connections), and the running clients keep producing and consuming with routes
 * refreshed from the second one; a client started afterwards works too (the Java client may
 * pick the dead NameServer on its first call, so its start is retried as an application
 * would). The broker stays registered with the live NameServer.
 */
final class TwoNamesrv {
    private static final int PER_PHASE = 300;

    private TwoNamesrv() {
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        String stopAddr = o.require("stop-addr");
        String liveAddr = o.require("live-addr");
        String broker = o.get("broker-name", "broker-a");
        String run = Clients.run();
        Map<Integer, Boolean> received = new ConcurrentHashMap<>();
        DefaultMQProducer p = Clients.producer(ns, "bs_ns_pg_" + run);
        p.setPollNameServerInterval(1000);
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, "bs_ns_cg_" + run, "bs_ns_c_" + run);
        c.setPollNameServerInterval(1000);
        c.subscribe(topic, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                if (run.equals(m.getUserProperty(Clients.P_RUN))) {
                    received.put(Integer.parseInt(m.getUserProperty(Clients.P_INDEX)), Boolean.TRUE);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        sendRange(p, topic, run, 0, PER_PHASE);
        c.start();
        BrokerScenarios.check(Clients.waitFor(60000, () -> received.size() >= PER_PHASE), "phase 1 received "
            + received.size());
        System.out.println("STOP-NS-NOW " + stopAddr);
        System.out.flush();
        BrokerScenarios.check(Clients.waitFor(60000, () -> !listening(stopAddr)), stopAddr + " still accepts connections");
        // Two route refresh rounds with the first NameServer gone.
        Thread.sleep(2500);
        sendRange(p, topic, run, PER_PHASE, 2 * PER_PHASE);
        BrokerScenarios.check(Clients.waitFor(60000, () -> received.size() >= 2 * PER_PHASE),
            "with one NameServer down the running clients received " + received.size() + "/" + 2 * PER_PHASE);
        // A new client starts at a random NameServer of its list; when that is the stopped one,
        // its first route request fails (Java's "connect to null") and the next one goes to the
        // other NameServer. So the same producer tries again (a new producer each time would
        // pick at random again: 5 dead picks in a row happened once in CI).
        DefaultMQProducer late = Clients.producer(ns, "bs_ns_late_pg_" + run);
        boolean lateSent = false;
        for (int attempt = 0; attempt < 5 && !lateSent; attempt++) {
            try {
                late.send(Clients.message(topic, run, 3 * PER_PHASE, "NsLate"));
                lateSent = true;
            } catch (Exception e) {
                System.out.println("late producer attempt " + attempt + ": " + e.getMessage());
                Thread.sleep(200);
            }
        }
        BrokerScenarios.check(lateSent, "a producer started after the NameServer stopped never sent");
        sendRange(late, topic, run, 2 * PER_PHASE, 3 * PER_PHASE);
        late.shutdown();
        p.shutdown();
        boolean all = Clients.waitFor(60000, () -> received.size() >= 3 * PER_PHASE + 1);
        c.shutdown();
        System.out.printf("[two-namesrv] received %d/%d%n", received.size(), 3 * PER_PHASE + 1);
        BrokerScenarios.check(all, "received " + received.size());
        DefaultMQAdminExt admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(liveAddr);
        admin.setInstanceName("bs_ns_admin_" + run);
        admin.start();
        try {
            ClusterInfo ci = admin.examineBrokerClusterInfo();
            BrokerScenarios.check(ci.getBrokerAddrTable().containsKey(broker), broker + " not registered with "
                + liveAddr + ": " + ci.getBrokerAddrTable().keySet());
        } finally {
            admin.shutdown();
        }
        System.out.println("[two-namesrv] OK");
        return 0;
    }

    private static void sendRange(DefaultMQProducer p, String topic, String run, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            SendResult r = null;
            Exception last = null;
            for (int attempt = 0; attempt < 5 && r == null; attempt++) {
                try {
                    r = p.send(Clients.message(topic, run, i, "Ns"));
                } catch (Exception e) {
                    last = e;
                    Thread.sleep(500);
                }
            }
            BrokerScenarios.check(r != null && r.getSendStatus() == SendStatus.SEND_OK, "send #" + i + ": " + last);
        }
    }

    private static boolean listening(String addr) {
        int colon = addr.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}

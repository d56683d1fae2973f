package rmq.interop;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.body.KVTable;
import org.apache.rocketmq.remoting.protocol.body.TopicList;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import rmq.interop.common.Opts;

/** Checks made through DefaultMQAdminExt (the API mqadmin and the dashboard use). */
final class AdminScenarios {
    static final String ADMIN_READ_USAGE =
        "admin-read -n NAMESRV --expect-broker NAME --expect-cluster CLUSTER --topic TOPIC";
    static final String WAIT_BROKER_GONE_USAGE =
        "wait-broker-gone -n NAMESRV --broker-name NAME [--topic TOPIC(TBW102)] [--timeout-ms 150000]";
    static final String WAIT_BROKER_USAGE =
        "wait-broker -n NAMESRV --broker-name NAME [--cluster CLUSTER] [--topic TOPIC] [--timeout-ms 60000]";

    private AdminScenarios() {
    }

    static DefaultMQAdminExt admin(String namesrv) throws MQClientException {
        DefaultMQAdminExt admin = new DefaultMQAdminExt(5000);
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName("interop_admin_" + UUID.randomUUID().toString().substring(0, 8));
        admin.setVipChannelEnabled(false);
        admin.start();
        return admin;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new Opts.CheckFailed(what);
        }
    }

    // ------------------------------------------------------------- admin-read

    static int adminRead(Opts o) throws Exception {
        String namesrv = o.require("n");
        String broker = o.require("expect-broker");
        String cluster = o.require("expect-cluster");
        String topic = o.require("topic");
        DefaultMQAdminExt admin = admin(namesrv);
        try {
            ClusterInfo ci = admin.examineBrokerClusterInfo();
            check(ci != null && ci.getBrokerAddrTable() != null && ci.getClusterAddrTable() != null,
                "examineBrokerClusterInfo returned no tables: " + (ci == null ? null : ci.toJson()));
            BrokerData bd = ci.getBrokerAddrTable().get(broker);
            check(bd != null, "broker " + broker + " not in brokerAddrTable " + ci.getBrokerAddrTable().keySet());
            check(cluster.equals(bd.getCluster()), "broker " + broker + " has cluster " + bd.getCluster());
            check(bd.getBrokerAddrs() != null && bd.getBrokerAddrs().get(0L) != null,
                "broker " + broker + " has no master (id 0) address: " + bd.getBrokerAddrs());
            Set<String> members = ci.getClusterAddrTable().get(cluster);
            check(members != null && members.contains(broker),
                "cluster " + cluster + " does not list " + broker + ": " + ci.getClusterAddrTable());
            System.out.printf("[admin-read] cluster info: clusters=%s, %s master=%s%n", ci.getClusterAddrTable(), broker,
                bd.getBrokerAddrs().get(0L));

            TopicRouteData route = admin.examineTopicRouteInfo(topic);
            check(route != null, "examineTopicRouteInfo(" + topic + ") returned null");
            QueueData qd = null;
            for (QueueData q : route.getQueueDatas()) {
                if (broker.equals(q.getBrokerName())) {
                    qd = q;
                }
            }
            check(qd != null, "route of " + topic + " has no QueueData for " + broker + ": " + route);
            check(qd.getReadQueueNums() > 0 && qd.getWriteQueueNums() > 0, "route of " + topic + " has empty queues: " + qd);
            boolean brokerInRoute = false;
            for (BrokerData b : route.getBrokerDatas()) {
                brokerInRoute |= broker.equals(b.getBrokerName()) && b.getBrokerAddrs().containsKey(0L);
            }
            check(brokerInRoute, "route of " + topic + " has no BrokerData with a master for " + broker + ": " + route);
            check(route.getFilterServerTable() != null, "route of " + topic + " lacks filterServerTable");
            System.out.printf("[admin-read] route %s: %d queue data, %d broker data, %s r=%d w=%d perm=%d%n", topic,
                route.getQueueDatas().size(), route.getBrokerDatas().size(), broker, qd.getReadQueueNums(),
                qd.getWriteQueueNums(), qd.getPerm());

            TopicList all = admin.fetchAllTopicList();
            check(all != null && all.getTopicList() != null && all.getTopicList().contains(topic),
                "fetchAllTopicList does not contain " + topic);
            System.out.printf("[admin-read] fetchAllTopicList: %d topics, contains %s%n", all.getTopicList().size(), topic);

            String ns = "interop_ns_" + UUID.randomUUID().toString().substring(0, 8);
            String v1 = "värde-1 値 ✓";
            // DefaultMQAdminExt.putKVConfig/deleteKVConfig are empty in 5.3.3; these are the real calls.
            admin.createAndUpdateKvConfig(ns, "k1", v1);
            admin.createAndUpdateKvConfig(ns, "k2", "v2");
            admin.createAndUpdateKvConfig(ns, "k2", "v2-updated");
            check(v1.equals(admin.getKVConfig(ns, "k1")), "getKVConfig(k1) = " + admin.getKVConfig(ns, "k1"));
            KVTable t = admin.getKVListByNamespace(ns);
            check(t != null && t.getTable() != null && t.getTable().size() == 2 && v1.equals(t.getTable().get("k1"))
                && "v2-updated".equals(t.getTable().get("k2")), "getKVListByNamespace = " + (t == null ? null : t.getTable()));
            admin.deleteKvConfig(ns, "k1");
            int code = codeOf(() -> admin.getKVConfig(ns, "k1"));
            check(code == ResponseCode.QUERY_NOT_FOUND, "getKVConfig after delete: expected code "
                + ResponseCode.QUERY_NOT_FOUND + " (QUERY_NOT_FOUND), got " + code);
            admin.deleteKvConfig(ns, "k2");
            admin.deleteKvConfig(ns, "never-existed"); // always SUCCESS in Java
            KVTable empty = admin.getKVListByNamespace(ns);
            // Java keeps the emptied namespace: SUCCESS with an empty table.
            check(empty != null && empty.getTable() != null && empty.getTable().isEmpty(),
                "getKVListByNamespace after deleting every key = " + (empty == null ? null : empty.getTable()));
            int unknownNs = codeOf(() -> admin.getKVListByNamespace(ns + "_unknown"));
            check(unknownNs == ResponseCode.QUERY_NOT_FOUND,
                "getKVListByNamespace(unknown namespace): expected code 22, got " + unknownNs);
            System.out.printf("[admin-read] KV round trip in namespace %s OK (not-found code %d)%n", ns, code);
            System.out.println("[admin-read] OK");
            return 0;
        } finally {
            admin.shutdown();
        }
    }

    interface Call {
        Object call() throws Exception;
    }

    /** Response code carried by the exception a call throws; 0 if it succeeds. */
    static int codeOf(Call c) throws Exception {
        try {
            c.call();
            return 0;
        } catch (MQClientException e) {
            return e.getResponseCode();
        } catch (org.apache.rocketmq.client.exception.MQBrokerException e) {
            return e.getResponseCode();
        }
    }

    // ------------------------------------------------------ wait-broker[-gone]

    /** Where the broker is still visible; null when it is gone from cluster info and the topic route. */
    static String whereVisible(DefaultMQAdminExt admin, String broker, String topic) throws Exception {
        ClusterInfo ci = admin.examineBrokerClusterInfo();
        if (ci.getBrokerAddrTable() != null && ci.getBrokerAddrTable().containsKey(broker)) {
            return "brokerAddrTable " + ci.getBrokerAddrTable().get(broker).getBrokerAddrs();
        }
        if (ci.getClusterAddrTable() != null) {
            for (Map.Entry<String, Set<String>> e : ci.getClusterAddrTable().entrySet()) {
                if (e.getValue().contains(broker)) {
                    return "clusterAddrTable[" + e.getKey() + "]";
                }
            }
        }
        TopicRouteData route;
        try {
            route = admin.examineTopicRouteInfo(topic);
        } catch (MQClientException e) {
            if (e.getResponseCode() == ResponseCode.TOPIC_NOT_EXIST) {
                return null;
            }
            throw e;
        }
        for (QueueData q : route.getQueueDatas()) {
            if (broker.equals(q.getBrokerName())) {
                return "route of " + topic + " (QueueData)";
            }
        }
        for (BrokerData b : route.getBrokerDatas()) {
            if (broker.equals(b.getBrokerName())) {
                return "route of " + topic + " (BrokerData)";
            }
        }
        return null;
    }

    static int waitBrokerGone(Opts o) throws Exception {
        String namesrv = o.require("n");
        String broker = o.require("broker-name");
        String topic = o.get("topic", "TBW102");
        long timeout = o.getLong("timeout-ms", 150000);
        DefaultMQAdminExt admin = admin(namesrv);
        try {
            long start = System.currentTimeMillis();
            String where = "never polled";
            while (System.currentTimeMillis() - start < timeout) {
                where = whereVisible(admin, broker, topic);
                if (where == null) {
                    System.out.printf("[wait-broker-gone] %s gone from cluster info and route of %s after %d ms%n",
                        broker, topic, System.currentTimeMillis() - start);
                    return 0;
                }
                Thread.sleep(200);
            }
            throw new Opts.CheckFailed(broker + " still visible after " + timeout + " ms, in " + where);
        } finally {
            admin.shutdown();
        }
    }

    static int waitBroker(Opts o) throws Exception {
        String namesrv = o.require("n");
        String broker = o.require("broker-name");
        String cluster = o.get("cluster", null);
        String topic = o.get("topic", null);
        long timeout = o.getLong("timeout-ms", 60000);
        DefaultMQAdminExt admin = admin(namesrv);
        try {
            long start = System.currentTimeMillis();
            String last = "";
            while (System.currentTimeMillis() - start < timeout) {
                try {
                    ClusterInfo ci = admin.examineBrokerClusterInfo();
                    BrokerData bd = ci.getBrokerAddrTable() == null ? null : ci.getBrokerAddrTable().get(broker);
                    boolean ok = bd != null && bd.getBrokerAddrs().containsKey(0L)
                        && (cluster == null || cluster.equals(bd.getCluster()));
                    if (ok && topic != null) {
                        ok = whereVisible(admin, broker, topic) != null
                            && admin.examineTopicRouteInfo(topic).getQueueDatas().stream()
                            .anyMatch(q -> broker.equals(q.getBrokerName()));
                    }
                    if (ok) {
                        System.out.printf("[wait-broker] %s registered (%s) after %d ms%n", broker,
                            bd.getBrokerAddrs(), System.currentTimeMillis() - start);
                        return 0;
                    }
                    last = "cluster info " + ci.getClusterAddrTable();
                } catch (Exception e) {
                    last = e.toString();
                }
                Thread.sleep(200);
            }
            throw new Opts.CheckFailed(broker + " not registered after " + timeout + " ms; last: " + last);
        } finally {
            admin.shutdown();
        }
    }
}

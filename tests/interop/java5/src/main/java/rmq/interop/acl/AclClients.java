package rmq.interop.acl;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import rmq.interop.common.Opts;

/**
 * Request signing with the Java 5.3.3 client ({@code AclClientRPCHook}) against a broker with
 * ACL 2.0 on; the users and ACLs are set up by tests/interop/acl.sh.
 *
 * <pre>
 *   AclClients --namesrv NS --topic T --denied-topic U --group G
 *              --pub-ak A --pub-sk S --sub-ak A2 --sub-sk S2
 * </pre>
 *
 * Checks: {@code pub} sends to T (SEND_OK), is refused on U (NO_PERMISSION), a wrong secret is
 * refused, {@code pub} (no SUB) cannot pull T, {@code sub} can. Prints one line per check and
 * {@code PASS java-acl}; exits 1 with {@code FAIL java-acl: ...} otherwise.
 */
public final class AclClients {
    private static int seq;

    private AclClients() {
    }

    private static RPCHook hook(String ak, String sk) {
        return new AclClientRPCHook(new SessionCredentials(ak, sk));
    }

    private static String instance(String what) {
        return "acl-" + what + "-" + ProcessHandle.current().pid() + "-" + (seq++);
    }

    private static SendResult send(String ns, RPCHook hook, String topic) throws Exception {
        DefaultMQProducer p = new DefaultMQProducer("acl_java_pg", hook);
        p.setNamesrvAddr(ns);
        p.setInstanceName(instance("p"));
        p.setRetryTimesWhenSendFailed(0);
        p.start();
        try {
            return p.send(new Message(topic, "acl java".getBytes(StandardCharsets.UTF_8)));
        } finally {
            p.shutdown();
        }
    }

    @SuppressWarnings("deprecation")
    private static void pull(String ns, RPCHook hook, String group, String topic) throws Exception {
        DefaultMQPullConsumer c = new DefaultMQPullConsumer(group, hook);
        c.setNamesrvAddr(ns);
        c.setInstanceName(instance("c"));
        c.start();
        try {
            Collection<MessageQueue> mqs = c.fetchSubscribeMessageQueues(topic);
            MessageQueue mq = mqs.stream().filter(q -> q.getQueueId() == 0).findFirst()
                .orElseThrow(() -> new IllegalStateException("no queue 0 of " + topic));
            c.pull(mq, "*", 0, 1);
        } finally {
            c.shutdown();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void refused(String what, Call call) {
        int code;
        try {
            call.run();
            throw new Opts.CheckFailed(what + ": expected NO_PERMISSION, it succeeded");
        } catch (MQBrokerException e) {
            code = e.getResponseCode();
        } catch (MQClientException e) {
            code = e.getResponseCode();
        } catch (Opts.CheckFailed e) {
            throw e;
        } catch (Exception e) {
            throw new Opts.CheckFailed(what + ": expected NO_PERMISSION, got " + e);
        }
        if (code != ResponseCode.NO_PERMISSION) {
            throw new Opts.CheckFailed(what + ": expected NO_PERMISSION (16), got code " + code);
        }
        System.out.printf("%s: refused (NO_PERMISSION)%n", what);
    }

    public static void main(String[] args) {
        try {
            Opts o = Opts.parse(args, 0);
            String ns = o.require("namesrv");
            String topic = o.require("topic");
            String denied = o.require("denied-topic");
            String group = o.require("group");
            String pubAk = o.require("pub-ak");
            String pubSk = o.require("pub-sk");
            String subAk = o.require("sub-ak");
            String subSk = o.require("sub-sk");

            SendResult r = send(ns, hook(pubAk, pubSk), topic);
            if (r.getSendStatus() != SendStatus.SEND_OK) {
                throw new Opts.CheckFailed("send to " + topic + ": " + r.getSendStatus());
            }
            System.out.printf("send to %s as %s: SEND_OK%n", topic, pubAk);
            refused("send to " + denied + " as " + pubAk, () -> send(ns, hook(pubAk, pubSk), denied));
            refused("send to " + topic + " with a wrong secret", () -> send(ns, hook(pubAk, pubSk + "-wrong"), topic));
            refused("pull " + topic + " as " + pubAk + " (no SUB)", () -> pull(ns, hook(pubAk, pubSk), group, topic));
            pull(ns, hook(subAk, subSk), group, topic);
            System.out.printf("pull %s as %s: ok%n", topic, subAk);
            System.out.println("PASS java-acl");
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("FAIL java-acl: " + e);
            System.exit(1);
        }
    }
}

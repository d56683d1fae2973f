package rmq.interop.broker;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.RequestCallback;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import rmq.interop.common.Opts;

/**
 * request-reply: DefaultMQProducer#request (callback form) answered by a consumer with
 * MessageUtil#createReplyMessage; the broker pushes each reply to the requester
 * (SEND_REPLY_MESSAGE_V2 then PUSH_REPLY_MESSAGE_TO_CLIENT).
 */
final class RequestReply {
    private RequestReply() {
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int count = o.getInt("c", 20);
        String run = Clients.run();
        DefaultMQProducer requester = Clients.producer(ns, "bs_rr_req_" + run);
        DefaultMQProducer replier = Clients.producer(ns, "bs_rr_rep_" + run);
        DefaultMQPushConsumer c = Clients.pushConsumer(ns, "bs_rr_cg_" + run, "bs_rr_c_" + run);
        AtomicInteger replyErrors = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger replied = new AtomicInteger();
        try {
            requester.send(new Message(topic, "Warmup", "w".getBytes(StandardCharsets.UTF_8)));
            c.subscribe(topic, "Req");
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    if (!run.equals(m.getUserProperty(Clients.P_RUN))) {
                        continue;
                    }
                    consumed.incrementAndGet();
                    String text = new String(m.getBody(), StandardCharsets.UTF_8);
                    byte[] answer = ("re: " + text).getBytes(StandardCharsets.UTF_8);
                    try {
                        Message reply = MessageUtil.createReplyMessage(m, answer);
                        reply.putUserProperty(Clients.P_TEXT, Clients.TEXT);
                        replier.send(reply, 10000);
                        replied.incrementAndGet();
                    } catch (Exception e) {
                        replyErrors.incrementAndGet();
                        System.out.println("reply failed: " + e);
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
            BrokerScenarios.check(Clients.waitFor(60000, () -> !Clients.assigned(c).isEmpty()),
                "the consumer got no queue");
            // DefaultMQProducer#request(msg, timeout) cannot be used with the 5.3.3 client: its
            // send callback releases the wait before any reply (apache/rocketmq #8272, fixed
            // after 5.3.3 by #9608), so it throws RequestTimeoutException at once against any
            // broker. The callback form works; that client calls onSuccess(null) when the
            // request is sent and onSuccess(reply) when the reply arrives.
            // Round 0 warms up (the consumer's first pulls); round 1 is timed.
            long[] rt = new long[2];
            for (int round = 0; round < 2; round++) {
                rt = round(requester, topic, run + "-" + round, run, count);
            }
            BrokerScenarios.check(replyErrors.get() == 0, replyErrors.get() + " replies failed");
            // The reply reaches the requester before the replier's send returns.
            Clients.waitFor(10000, () -> replied.get() >= 2 * count);
            System.out.printf("request-reply OK: 2 x %d requests answered, last round avg %.1f ms, max %d ms (%d consumed, %d replies sent)%n",
                count, rt[0] / (double) count, rt[1], consumed.get(), replied.get());
            return 0;
        } finally {
            c.shutdown();
            replier.shutdown();
            requester.shutdown();
        }
    }

    /** Sends `count` requests at once; returns {sum, max} of their round trips. */
    private static long[] round(DefaultMQProducer requester, String topic, String label, String run, int count)
        throws Exception {
        CountDownLatch done = new CountDownLatch(count);
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicLong rtSum = new AtomicLong();
        AtomicLong rtMax = new AtomicLong();
        for (int i = 0; i < count; i++) {
            String text = "ask " + label + " #" + i + " " + Clients.TEXT;
            Message m = new Message(topic, "Req", text.getBytes(StandardCharsets.UTF_8));
            m.putUserProperty(Clients.P_RUN, run);
            long t0 = System.currentTimeMillis();
            requester.request(m, new RequestCallback() {
                @Override
                public void onSuccess(Message reply) {
                    if (reply == null) {
                        return;
                    }
                    long rt = System.currentTimeMillis() - t0;
                    rtSum.addAndGet(rt);
                    rtMax.accumulateAndGet(rt, Math::max);
                    String got = new String(reply.getBody(), StandardCharsets.UTF_8);
                    if (!("re: " + text).equals(got)) {
                        problem.compareAndSet(null, "reply " + got);
                    } else if (!Clients.TEXT.equals(reply.getProperty(Clients.P_TEXT))) {
                        problem.compareAndSet(null, "reply property " + reply.getProperty(Clients.P_TEXT));
                    }
                    done.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    problem.compareAndSet(null, "request " + e);
                    done.countDown();
                }
            }, 15000);
        }
        BrokerScenarios.check(done.await(60, TimeUnit.SECONDS), label + ": replies missing: " + done.getCount());
        BrokerScenarios.check(problem.get() == null, label + ": " + problem.get());
        return new long[] {rtSum.get(), rtMax.get()};
    }
}

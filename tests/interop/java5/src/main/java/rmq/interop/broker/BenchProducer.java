package rmq.interop.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import rmq.interop.common.Opts;

/**
 * bench-producer: the load of Java's benchmark {@code Producer} (one DefaultMQProducer,
 * THREADS sender threads, SIZE-byte bodies, synchronous sends) for SECONDS seconds after a
 * warm-up; prints send TPS and average/max RT as one {@code BENCH} line.
 */
final class BenchProducer {
    private BenchProducer() {
    }

    static int run(Opts o) throws Exception {
        String ns = o.require("n");
        String topic = o.require("t");
        int threads = o.getInt("w", 64);
        int size = o.getInt("s", 1024);
        int seconds = o.getInt("seconds", 30);
        String label = o.get("label", "broker");
        DefaultMQProducer p = Clients.producer(ns, "benchmark_producer_" + Clients.run());
        p.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE);
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        p.send(new Message(topic, body));
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong rtSum = new AtomicLong();
        AtomicLong rtMax = new AtomicLong();
        long warmupEnd = System.currentTimeMillis() + 3000;
        long end = warmupEnd + seconds * 1000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                while (true) {
                    long now = System.currentTimeMillis();
                    if (now >= end) {
                        return;
                    }
                    long begin = System.nanoTime();
                    try {
                        SendResult r = p.send(new Message(topic, body));
                        long rt = (System.nanoTime() - begin) / 1000;
                        if (now >= warmupEnd) {
                            if (r.getSendStatus() == SendStatus.SEND_OK) {
                                ok.incrementAndGet();
                                rtSum.addAndGet(rt);
                                rtMax.accumulateAndGet(rt, Math::max);
                            } else {
                                failed.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        if (now >= warmupEnd) {
                            failed.incrementAndGet();
                        }
                    }
                }
            }, "bench-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        p.shutdown();
        double tps = ok.get() / (double) seconds;
        double avgMs = ok.get() == 0 ? 0 : rtSum.get() / 1000.0 / ok.get();
        System.out.printf("BENCH %s threads=%d size=%d seconds=%d sent=%d failed=%d tps=%.0f avg_rt_ms=%.3f max_rt_ms=%.3f%n",
            label, threads, size, seconds, ok.get(), failed.get(), tps, avgMs, rtMax.get() / 1000.0);
        BrokerScenarios.check(ok.get() > 0, "no successful send");
        return 0;
    }
}

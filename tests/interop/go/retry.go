package main

import (
	"context"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

const (
	retryCount    = 5
	retryAttempts = 2 // ConsumeRetryLater this often, then ConsumeSuccess
)

// runRetry answers ConsumeRetryLater to the first retryAttempts deliveries of each message
// (asking for delay level 1 = 1 s before the next one); the broker must redeliver each message
// with reconsume times 1, 2, ... through the group's retry topic, with the original topic,
// body and properties.
func runRetry(o *opts) {
	topic := o.name("T", "")
	p := o.newProducer()
	defer shutdown(p)
	o.warmUp(p, topic)

	col := newCollector()
	handler := func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		col.add("c", msgs...)
		for _, m := range msgs {
			if m.GetProperty(propID) != "" && m.ReconsumeTimes < retryAttempts {
				if cc, ok := primitive.GetConcurrentlyCtx(ctx); ok {
					cc.DelayLevelWhenNextConsume = 1
				}
				return consumer.ConsumeRetryLater, nil
			}
		}
		return consumer.ConsumeSuccess, nil
	}
	group := o.name("G", "")
	retryTopic := "%RETRY%" + group
	// The broker creates the group's retry topic on the group's first heartbeat, but the Go
	// client refreshes routes only every 30 s: a first consumer's heartbeat creates it, and the
	// consumer under test starts once the name server routes it.
	first := o.newPushConsumer(group, topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"},
		newCollector().handler("first"))
	o.waitRoute(retryTopic)
	shutdown(first)
	c := o.newPushConsumer(group, topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"},
		handler, consumer.WithConsumeMessageBatchMaxSize(1))
	defer shutdown(c)

	want := map[string]*sent{}
	for i := 0; i < retryCount; i++ {
		m, s := o.newMessage(topic, "retry", i, "TagR")
		sendSync(p, m, s)
		want[s.id] = s
	}
	done := func() bool {
		col.mu.Lock()
		defer col.mu.Unlock()
		for id := range want {
			ok := false
			for _, d := range col.byID[id] {
				if d.reconsumeTimes == retryAttempts {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
		return true
	}
	o.waitUntil("every message with reconsume times 2", done)
	col.checkExactly(want, topic)

	var maxGap time.Duration
	for id := range want {
		col.mu.Lock()
		ds := append([]delivery(nil), col.byID[id]...)
		col.mu.Unlock()
		var firstAt []time.Time
		for _, d := range ds {
			rt := int(d.reconsumeTimes)
			check(rt <= retryAttempts, "%s: delivered with reconsume times %d after success at %d", id, rt, retryAttempts)
			if rt == len(firstAt) {
				firstAt = append(firstAt, d.at)
			} else {
				check(rt < len(firstAt), "%s: reconsume times %d delivered before %d", id, rt, len(firstAt))
			}
			if rt > 0 {
				// A redelivery by the broker comes from the group's retry topic; a local retry
				// of the client (after a failed send-back) would come from the original queue.
				check(d.queueTopic == retryTopic, "%s: reconsume times %d delivered from %q, not from %s",
					id, rt, d.queueTopic, retryTopic)
				check(d.msg.GetProperty("ORIGIN_MESSAGE_ID") != "", "%s: redelivery without ORIGIN_MESSAGE_ID", id)
			}
		}
		for i := 1; i < len(firstAt); i++ {
			if g := firstAt[i].Sub(firstAt[i-1]); g > maxGap {
				maxGap = g
			}
		}
	}
	// Informational: ~1 s means the broker took CONSUMER_SEND_MSG_BACK with delay level 1;
	// about 10 s or more means the client fell back to sending to the retry topic itself
	// (sendMessageBackAsNormal, delay level 3 + reconsume times).
	logf("%d messages each delivered with reconsume times 0..%d; longest gap between attempts %.1f s",
		len(want), retryAttempts, maxGap.Seconds())
}

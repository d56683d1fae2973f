package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

const (
	orderKeys   = 8
	orderPerKey = 12
	propSeq     = "goSeq"
	propShard   = "goShard"
)

// runOrderly sends orderPerKey messages for each of orderKeys sharding keys through the hash
// queue selector, then an orderly consumer must see, per queue, the messages in queue-offset
// order and, per key, the sequence in send order. A redelivery (at-least-once) may repeat
// messages already seen, but a message seen for the first time must be the next one.
func runOrderly(o *opts) {
	topic := o.name("T", "")
	p := o.newProducer(producer.WithQueueSelector(producer.NewHashQueueSelector()))
	defer shutdown(p)
	o.warmUp(p, topic)

	want := map[string]*sent{}
	keyQueue := map[string]int{}
	idx := 0
	for seq := 0; seq < orderPerKey; seq++ {
		for k := 0; k < orderKeys; k++ {
			key := fmt.Sprintf("shard-%d", k)
			m, s := o.newMessage(topic, "ord", idx, "TagO")
			idx++
			m.WithShardingKey(key)
			m.WithProperty(propSeq, strconv.Itoa(seq))
			m.WithProperty(propShard, key)
			s.props[propSeq] = strconv.Itoa(seq)
			s.props[propShard] = key
			sendSync(p, m, s)
			if q, ok := keyQueue[key]; ok {
				check(q == s.queue, "key %s went to queues %d and %d", key, q, s.queue)
			}
			keyQueue[key] = s.queue
			want[s.id] = s
		}
	}
	queues := map[int]bool{}
	for _, q := range keyQueue {
		queues[q] = true
	}
	logf("%d keys x %d messages on %d queue(s)", orderKeys, orderPerKey, len(queues))

	col := newCollector()
	handler := func(ctx context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		_, orderly := primitive.GetOrderlyCtx(ctx)
		check(orderly, "an orderly consumer's callback got no orderly context")
		col.add("c", msgs...)
		return consumer.ConsumeSuccess, nil
	}
	c := o.newPushConsumer(o.name("G", ""), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"},
		handler, consumer.WithConsumerOrder(true))
	defer shutdown(c)
	o.waitUntil("every message", func() bool { return col.has(want, "") })
	dups := col.checkExactly(want, topic)

	nextSeq := map[string]int{} // per key: next sequence not yet seen
	nextOff := map[int]int64{}  // per queue: highest first-seen queue offset + 1
	seen := map[string]bool{}
	for _, d := range col.snapshot() {
		id := d.msg.GetProperty(propID)
		if _, ok := want[id]; !ok {
			continue
		}
		key := d.msg.GetProperty(propShard)
		seq, _ := strconv.Atoi(d.msg.GetProperty(propSeq))
		q := d.msg.Queue.QueueId
		if seen[id] {
			check(seq < nextSeq[key], "redelivered %s (seq %d) beyond what key %s had", id, seq, key)
			continue
		}
		seen[id] = true
		check(q == keyQueue[key], "%s (key %s) consumed from queue %d, sent to %d", id, key, q, keyQueue[key])
		check(seq == nextSeq[key], "key %s: seq %d consumed when %d was next", key, seq, nextSeq[key])
		nextSeq[key] = seq + 1
		check(d.msg.QueueOffset >= nextOff[q], "queue %d: offset %d consumed after offset %d", q, d.msg.QueueOffset, nextOff[q]-1)
		nextOff[q] = d.msg.QueueOffset + 1
	}
	logf("order kept on every queue and for every key (%d duplicate deliveries)", dups)
}

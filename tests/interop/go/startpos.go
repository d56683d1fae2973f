package main

import (
	"fmt"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
)

const (
	startPosCount = 20
	startPosWait  = 20 * time.Second
)

// runStartPosition repeats o.rounds times: 20 messages to a fresh topic (auto-created by the
// first send), then a push consumer of a new group with the default CONSUME_FROM_LAST_OFFSET.
// The Go client asks the broker for the group's offset (QUERY_CONSUMER_OFFSET) and uses the
// queue's max offset only when the broker answers QUERY_NOT_FOUND. Java's broker answers
// offset 0 for a never-consumed queue whose first message is still in memory
// (ConsumerManageProcessor#queryConsumerOffset), so the group must receive all 20.
func runStartPosition(o *opts) {
	p := o.newProducer()
	defer shutdown(p)
	for round := 1; round <= o.rounds; round++ {
		topic := o.name("T", fmt.Sprintf("r%d", round))
		want := map[string]*sent{}
		perQueue := map[int]int{}
		for i := 0; i < startPosCount; i++ {
			m, s := o.newMessage(topic, fmt.Sprintf("sp%d", round), i, "")
			sendSync(p, m, s)
			want[s.id] = s
			perQueue[s.queue]++
		}
		o.waitRoute(topic)

		col := newCollector()
		c := o.newPushConsumer(o.name("G", fmt.Sprintf("r%d", round)), topic,
			consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}, col.handler("c"),
			consumer.WithConsumeFromWhere(consumer.ConsumeFromLastOffset))
		// Messages in memory arrive within a pull round trip; the bound only serves to report
		// how many arrived when some never do.
		deadline := time.Now().Add(startPosWait)
		for !col.has(want, "") && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		got := col.count(want, "")
		if got != len(want) {
			missing := map[int]int{}
			for id, s := range want {
				if col.deliveries(id) == 0 {
					missing[s.queue]++
				}
			}
			fail("round %d: the new group received %d of %d messages (per queue sent %v, missing %v)",
				round, got, len(want), perQueue, missing)
		}
		dups := col.checkExactly(want, topic)
		shutdown(c)
		logf("round %d: topic %s (%v per queue), new group received all %d (%d duplicate deliveries)",
			round, topic, perQueue, got, dups)
	}
}

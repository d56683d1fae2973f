package main

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/apache/rocketmq-client-go/v2/consumer"
)

const clusteringCount = 100

// queuesOf returns the sorted queue ids from which consumer by received the ids of want.
func queuesOf(col *collector, want map[string]*sent, by string) []int {
	set := map[int]bool{}
	for _, d := range col.snapshot() {
		if _, ok := want[d.msg.GetProperty(propID)]; ok && d.by == by {
			set[d.msg.Queue.QueueId] = true
		}
	}
	ids := make([]int, 0, len(set))
	for q := range set {
		ids = append(ids, q)
	}
	sort.Ints(ids)
	return ids
}

func intersect(a, b []int) []int {
	var out []int
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

// runClustering starts two push consumers of one group. Once a probe round (one message per
// queue) shows the queues split between them, it sends the real messages: both consumers must
// get some, from disjoint queues, and every message must be consumed (duplicates counted).
func runClustering(o *opts) {
	topic := o.name("T", "")
	group := o.name("G", "")
	p := o.newProducer()
	defer shutdown(p)
	mqs := o.warmUp(p, topic)
	logf("topic %s: %d queues", topic, len(mqs))
	check(len(mqs) >= 2, "topic %s has %d queue(s), 2 consumers need at least 2", topic, len(mqs))

	col := newCollector()
	sel := consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}
	a := o.newPushConsumer(group, topic, sel, col.handler("A"))
	b := o.newPushConsumer(group, topic, sel, col.handler("B"))
	defer shutdown(a, b)

	// Probe rounds: the round-robin producer puts len(mqs) consecutive messages on every queue.
	idx := 0
	deadline := time.Now().Add(o.timeout)
	for round := 1; ; round++ {
		probe := map[string]*sent{}
		for i := 0; i < len(mqs); i++ {
			m, s := o.newMessage(topic, fmt.Sprintf("probe%d", round), idx, "")
			idx++
			sendSync(p, m, s)
			probe[s.id] = s
		}
		o.waitUntil(fmt.Sprintf("probe round %d", round), func() bool { return col.has(probe, "") })
		qa, qb := queuesOf(col, probe, "A"), queuesOf(col, probe, "B")
		if len(qa) > 0 && len(qb) > 0 && len(intersect(qa, qb)) == 0 && len(qa)+len(qb) == len(mqs) {
			logf("probe round %d: A has queues %v, B has %v", round, qa, qb)
			break
		}
		if time.Now().After(deadline) {
			fail("queues never split between the two consumers (last probe: A %v, B %v)", qa, qb)
		}
		time.Sleep(300 * time.Millisecond)
	}

	want := map[string]*sent{}
	for i := 0; i < clusteringCount; i++ {
		m, s := o.newMessage(topic, "main", idx, "")
		idx++
		sendSync(p, m, s)
		want[s.id] = s
	}
	o.waitUntil("every message by one of the consumers", func() bool { return col.has(want, "") })

	na, nb := col.count(want, "A"), col.count(want, "B")
	qa, qb := queuesOf(col, want, "A"), queuesOf(col, want, "B")
	logf("A received %d from queues %v, B received %d from queues %v", na, qa, nb, qb)
	check(na > 0 && nb > 0, "one consumer got nothing: A %d, B %d", na, nb)
	check(len(intersect(qa, qb)) == 0, "both consumers consumed queues %v", intersect(qa, qb))

	// Every delivery of a main message is verified; probe messages may still be redelivered.
	dups := 0
	for _, d := range col.snapshot() {
		id := d.msg.GetProperty(propID)
		if s, ok := want[id]; ok {
			verify(s, d.msg, topic)
		} else if !strings.Contains(id, "-probe") {
			fail("unexpected message %s", id)
		}
	}
	for id := range want {
		dups += col.deliveries(id) - 1
	}
	logf("%d messages consumed, %d duplicate deliveries", len(want), dups)
}

// runBroadcasting starts two broadcasting consumers of one group: each must receive every
// message.
func runBroadcasting(o *opts) {
	topic := o.name("T", "")
	group := o.name("G", "")
	p := o.newProducer()
	defer shutdown(p)
	o.warmUp(p, topic)

	colA, colB := newCollector(), newCollector()
	sel := consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}
	model := consumer.WithConsumerModel(consumer.BroadCasting)
	a := o.newPushConsumer(group, topic, sel, colA.handler("A"), model)
	b := o.newPushConsumer(group, topic, sel, colB.handler("B"), model)
	defer shutdown(a, b)

	want := map[string]*sent{}
	for i := 0; i < 50; i++ {
		m, s := o.newMessage(topic, "bc", i, "")
		sendSync(p, m, s)
		want[s.id] = s
	}
	o.waitUntil("every message at consumer A", func() bool { return colA.has(want, "") })
	o.waitUntil("every message at consumer B", func() bool { return colB.has(want, "") })
	da := colA.checkExactly(want, topic)
	db := colB.checkExactly(want, topic)
	logf("A and B each received all %d messages (duplicate deliveries: A %d, B %d)", len(want), da, db)
}

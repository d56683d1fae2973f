package main

import (
	"strconv"

	"github.com/apache/rocketmq-client-go/v2/consumer"
)

const (
	delayLevel       = 2    // messageDelayLevel "1s 5s 10s ...": level 2 = 5 s
	delayMillis      = 5000 // what level 2 means
	delayToleranceMs = 100  // the broker counts from its store time, which is after born time
)

// runDelay sends messages with delay level 2 and one without: the delayed ones must arrive
// with their original topic and content, and no earlier than 5 s after they were born.
func runDelay(o *opts) {
	topic := o.name("T", "")
	p := o.newProducer()
	defer shutdown(p)
	o.warmUp(p, topic)

	col := newCollector()
	c := o.newPushConsumer(o.name("G", ""), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}, col.handler("c"))
	defer shutdown(c)

	delayed := map[string]*sent{}
	want := map[string]*sent{}
	for i := 0; i < 3; i++ {
		m, s := o.newMessage(topic, "delay", i, "TagD")
		m.WithDelayTimeLevel(delayLevel)
		sendSync(p, m, s)
		delayed[s.id] = s
		want[s.id] = s
	}
	m, s := o.newMessage(topic, "now", 3, "TagN")
	sendSync(p, m, s)
	want[s.id] = s

	o.waitUntil("the delayed messages", func() bool { return col.has(want, "") })
	col.checkExactly(want, topic)
	for _, d := range col.snapshot() {
		if _, ok := delayed[d.msg.GetProperty(propID)]; !ok {
			continue
		}
		after := d.at.UnixMilli() - d.msg.BornTimestamp
		check(after >= delayMillis-delayToleranceMs, "%s: delivered %d ms after it was born, delay level %d is %d ms",
			d.msg.GetProperty(propID), after, delayLevel, delayMillis)
		// As Java's ScheduleMessageService stores it: the original topic and queue in
		// REAL_TOPIC/REAL_QID, and DELAY still in the properties string.
		id := d.msg.GetProperty(propID)
		check(d.msg.GetProperty("REAL_TOPIC") == topic, "%s: REAL_TOPIC %q", id, d.msg.GetProperty("REAL_TOPIC"))
		check(d.msg.GetProperty("REAL_QID") == strconv.Itoa(d.msg.Queue.QueueId), "%s: REAL_QID %q delivered on queue %d",
			id, d.msg.GetProperty("REAL_QID"), d.msg.Queue.QueueId)
		check(d.msg.GetProperty("DELAY") == strconv.Itoa(delayLevel), "%s: DELAY %q", id, d.msg.GetProperty("DELAY"))
		logf("%s delivered %.2f s after born (queue %d, REAL_TOPIC, REAL_QID and DELAY as in Java)", id, float64(after)/1000, d.msg.Queue.QueueId)
	}
}

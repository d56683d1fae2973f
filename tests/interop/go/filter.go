package main

import (
	"strconv"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// filterCase is one message of a filter scenario: its tag, whether it carries property a
// (and which value), and whether the subscription must deliver it.
type filterCase struct {
	tag     string
	hasA    bool
	a       int
	matches bool
}

// runFilter sends the cases, then sentinels (matching messages, at least one on every queue)
// so that once every sentinel arrived the consumer has passed every earlier message of each
// queue. The group must receive exactly the matching messages.
func runFilter(o *opts, sel consumer.MessageSelector, cases []filterCase, sentinel func(m *primitive.Message)) {
	topic := o.name("T", "")
	p := o.newProducer()
	defer shutdown(p)
	mqs := o.warmUp(p, topic)

	col := newCollector()
	c := o.newPushConsumer(o.name("G", ""), topic, sel, col.handler("c"))
	defer shutdown(c)

	want := map[string]*sent{}
	idx := 0
	for _, fc := range cases {
		m, s := o.newMessage(topic, "f", idx, fc.tag)
		idx++
		if fc.hasA {
			m.WithProperty("a", strconv.Itoa(fc.a))
			s.props["a"] = strconv.Itoa(fc.a)
		}
		sendSync(p, m, s)
		if fc.matches {
			want[s.id] = s
		}
	}
	sentinels := sendSentinels(o, p, topic, len(mqs), idx, sentinel, want)
	o.waitUntil("every matching message and every sentinel", func() bool { return col.has(want, "") })
	// Messages of one pull are handed to concurrent goroutines: give the ones pulled before a
	// sentinel a moment to be recorded.
	time.Sleep(500 * time.Millisecond)
	dups := col.checkExactly(want, topic)
	logf("%d messages sent, %d match %s %q, received exactly those (+%d sentinels, %d duplicate deliveries)",
		len(cases), len(want)-sentinels, sel.Type, sel.Expression, sentinels, dups)
}

// sendSentinels sends matching messages until every queue of topic has one; they are added to
// want. It returns how many it sent.
func sendSentinels(o *opts, p rocketmq.Producer, topic string, queues, idx int, decorate func(*primitive.Message), want map[string]*sent) int {
	covered := map[int]bool{}
	n := 0
	for len(covered) < queues {
		check(n < 10*queues, "sentinels reached only queues %v of %d", covered, queues)
		m, s := o.newMessage(topic, "sentinel", idx+n, "")
		decorate(m)
		s.tags = m.GetTags()
		for k, v := range m.GetProperties() {
			if k == "a" {
				s.props[k] = v
			}
		}
		sendSync(p, m, s)
		covered[s.queue] = true
		want[s.id] = s
		n++
	}
	return n
}

func runTagFilter(o *opts) {
	var cases []filterCase
	for i := 0; i < 45; i++ {
		tag := []string{"TagA", "TagB", "TagC"}[i%3]
		cases = append(cases, filterCase{tag: tag, matches: tag != "TagC"})
	}
	// No tag at all never matches a tag expression.
	for i := 0; i < 3; i++ {
		cases = append(cases, filterCase{})
	}
	runFilter(o, consumer.MessageSelector{Type: consumer.TAG, Expression: "TagA || TagB"}, cases,
		func(m *primitive.Message) { m.WithTag("TagB") })
}

func runSQLFilter(o *opts) {
	var cases []filterCase
	for i := 0; i < 40; i++ {
		a := i%10 - 2 // -2..7
		cases = append(cases, filterCase{tag: "TagS", hasA: true, a: a, matches: a >= 0 && a <= 3})
	}
	// Without property a the expression is not true (SQL92 null semantics).
	for i := 0; i < 4; i++ {
		cases = append(cases, filterCase{tag: "TagS"})
	}
	runFilter(o, consumer.MessageSelector{Type: consumer.SQL92, Expression: "a BETWEEN 0 AND 3"}, cases,
		func(m *primitive.Message) { m.WithProperty("a", "1") })
}

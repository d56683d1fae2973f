package main

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// Properties every scenario message carries: its id and its index in the scenario.
const (
	propID  = "goId"
	propIdx = "goIdx"
	// A property with non-ASCII key and value checks the property codec both ways.
	propUTF8Key = "städte"
	propUTF8Val = "東京|Zürich"
)

var instanceSeq int64

// instance returns a client instance name unique in this process: the Go client shares one
// client (one client id) between producers and consumers of the same instance name, and two
// consumers of one group in one client would be a single consumer to the broker.
func instance(role string) string {
	return fmt.Sprintf("%s-%d", role, atomic.AddInt64(&instanceSeq, 1))
}

func (o *opts) newProducer(extra ...producer.Option) rocketmq.Producer {
	options := []producer.Option{
		producer.WithNsResolver(primitive.NewPassthroughResolver(o.namesrv)),
		producer.WithGroupName(o.name("PG", "")),
		producer.WithInstanceName(instance("producer")),
		producer.WithRetry(2),
		producer.WithSendMsgTimeout(10 * time.Second),
	}
	p, err := rocketmq.NewProducer(append(options, extra...)...)
	must(err, "new producer")
	must(p.Start(), "start producer")
	return p
}

// newPushConsumer starts a push consumer of group on topic (which must be routable already).
// Unless extra says otherwise it consumes from the first offset.
func (o *opts) newPushConsumer(group, topic string, sel consumer.MessageSelector,
	f func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error),
	extra ...consumer.Option) rocketmq.PushConsumer {
	options := []consumer.Option{
		consumer.WithNsResolver(primitive.NewPassthroughResolver(o.namesrv)),
		consumer.WithGroupName(group),
		consumer.WithInstance(instance("consumer")),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
	}
	c, err := rocketmq.NewPushConsumer(append(options, extra...)...)
	must(err, "new push consumer")
	must(c.Subscribe(topic, sel, f), "subscribe "+topic)
	must(c.Start(), "start push consumer of "+group)
	return c
}

func (o *opts) newAdmin() admin.Admin {
	a, err := admin.NewAdmin(admin.WithResolver(primitive.NewPassthroughResolver(o.namesrv)))
	must(err, "new admin")
	return a
}

// shutdown stops clients, giving each at most 15 s (a hanging shutdown is reported, not fatal:
// the scenario's checks are done by then).
func shutdown(clients ...interface{ Shutdown() error }) {
	for _, c := range clients {
		done := make(chan error, 1)
		go func(c interface{ Shutdown() error }) { done <- c.Shutdown() }(c)
		select {
		case err := <-done:
			if err != nil {
				logf("shutdown: %v", err)
			}
		case <-time.After(15 * time.Second):
			logf("shutdown did not finish within 15 s")
		}
	}
}

// waitRoute polls the name server until topic has a route with at least one queue.
func (o *opts) waitRoute(topic string) []*primitive.MessageQueue {
	var mqs []*primitive.MessageQueue
	o.waitUntil("a route of "+topic, func() bool {
		a := o.newAdmin()
		defer a.Close()
		qs, err := a.FetchPublishMessageQueues(context.Background(), topic)
		if err == nil && len(qs) > 0 {
			mqs = qs
			return true
		}
		return false
	})
	return mqs
}

// sent describes a message as the producer meant it.
type sent struct {
	id    string
	idx   int
	tags  string
	keys  string
	props map[string]string
	body  []byte
	queue int   // queue id from the send result, -1 when unknown (oneway)
	qoff  int64 // queue offset from the send result
}

// newMessage builds message idx of a scenario run: id property, index, a key, the UTF-8
// property and a body naming the id.
func (o *opts) newMessage(topic, group string, idx int, tags string) (*primitive.Message, *sent) {
	id := fmt.Sprintf("%s-%s-%d", o.runID, group, idx)
	body := []byte(fmt.Sprintf("body of %s · ünïcödé · 消息 %d", id, idx))
	m := primitive.NewMessage(topic, body)
	if tags != "" {
		m.WithTag(tags)
	}
	keys := "k-" + id
	m.WithKeys([]string{keys})
	m.WithProperty(propID, id)
	m.WithProperty(propIdx, strconv.Itoa(idx))
	m.WithProperty(propUTF8Key, propUTF8Val)
	s := &sent{id: id, idx: idx, tags: tags, keys: keys, body: body, queue: -1,
		props: map[string]string{propID: id, propIdx: strconv.Itoa(idx), propUTF8Key: propUTF8Val}}
	return m, s
}

// sendSync sends m and records queue and offset into s.
func sendSync(p rocketmq.Producer, m *primitive.Message, s *sent) {
	r, err := p.SendSync(context.Background(), m)
	must(err, "send "+s.id)
	check(r.Status == primitive.SendOK, "send %s: status %d", s.id, r.Status)
	s.queue = r.MessageQueue.QueueId
	s.qoff = r.QueueOffset
}

// verify checks that a received message carries what was sent.
func verify(s *sent, m *primitive.MessageExt, topic string) {
	check(m.Topic == topic, "%s: topic %q, sent to %q", s.id, m.Topic, topic)
	check(bytes.Equal(m.Body, s.body), "%s: body of %d bytes differs from the %d bytes sent", s.id, len(m.Body), len(s.body))
	check(m.GetTags() == s.tags, "%s: tags %q, sent %q", s.id, m.GetTags(), s.tags)
	check(m.GetKeys() == s.keys, "%s: keys %q, sent %q", s.id, m.GetKeys(), s.keys)
	for k, v := range s.props {
		check(m.GetProperty(k) == v, "%s: property %s=%q, sent %q", s.id, k, m.GetProperty(k), v)
	}
	check(m.MsgId != "", "%s: no message id", s.id)
}

// delivery is one message handed to a consumer callback.
type delivery struct {
	by  string
	msg *primitive.MessageExt
	at  time.Time
	// What the message said when it was delivered: the client retries a message locally by
	// incrementing ReconsumeTimes of the same object.
	reconsumeTimes int32
	queueTopic     string
}

// collector records what consumers receive, by message id.
type collector struct {
	mu      sync.Mutex
	byID    map[string][]delivery
	order   []delivery
	foreign int // messages without our id property (e.g. warm-up messages of other runs)
}

func newCollector() *collector { return &collector{byID: map[string][]delivery{}} }

func (c *collector) add(by string, msgs ...*primitive.MessageExt) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range msgs {
		d := delivery{by: by, msg: m, at: now, reconsumeTimes: m.ReconsumeTimes}
		if m.Queue != nil {
			d.queueTopic = m.Queue.Topic
		}
		id := m.GetProperty(propID)
		if id == "" {
			c.foreign++
			continue
		}
		c.byID[id] = append(c.byID[id], d)
		c.order = append(c.order, d)
	}
}

// handler returns a consume callback that records and acknowledges every message.
func (c *collector) handler(by string) func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	return func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		c.add(by, msgs...)
		return consumer.ConsumeSuccess, nil
	}
}

// has reports whether every id of want was received at least once (by anyone when by is "").
func (c *collector) has(want map[string]*sent, by string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range want {
		if !c.receivedBy(id, by) {
			return false
		}
	}
	return true
}

func (c *collector) receivedBy(id, by string) bool {
	for _, d := range c.byID[id] {
		if by == "" || d.by == by {
			return true
		}
	}
	return false
}

func (c *collector) count(want map[string]*sent, by string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for id := range want {
		if c.receivedBy(id, by) {
			n++
		}
	}
	return n
}

// deliveries returns how often id was delivered.
func (c *collector) deliveries(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byID[id])
}

// snapshot returns the deliveries so far, in arrival order.
func (c *collector) snapshot() []delivery {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]delivery(nil), c.order...)
}

// checkExactly verifies that the deliveries of this run are exactly the ids of want (each at
// least once, nothing else of the run) with intact content, and returns the duplicate count.
func (c *collector) checkExactly(want map[string]*sent, topic string) (dups int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var unexpected []string
	for id, ds := range c.byID {
		s, ok := want[id]
		if !ok {
			unexpected = append(unexpected, id)
			continue
		}
		for _, d := range ds {
			verify(s, d.msg, topic)
		}
		dups += len(ds) - 1
	}
	sort.Strings(unexpected)
	check(len(unexpected) == 0, "%d unexpected message(s) received, e.g. %v", len(unexpected), head(unexpected, 5))
	for id := range want {
		check(len(c.byID[id]) > 0, "message %s never received", id)
	}
	return dups
}

func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// warmUp creates topic through the broker's auto-creation (an unknown topic is sent through
// TBW102) with one message that has no id property, and waits for its route.
func (o *opts) warmUp(p rocketmq.Producer, topic string) []*primitive.MessageQueue {
	r, err := p.SendSync(context.Background(), primitive.NewMessage(topic, []byte("warm-up")))
	must(err, "warm-up send to "+topic)
	check(r.Status == primitive.SendOK, "warm-up send to %s: status %d", topic, r.Status)
	return o.waitRoute(topic)
}

package main

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

const (
	sendPerMode  = 40
	batches      = 4
	perBatch     = 10
	propSendMode = "goSendMode"
	allTagsExpr  = "*"
)

// runSend sends with every mode of the Go producer, then one new group must receive exactly
// the messages sent, and as many per mode as were sent.
func runSend(o *opts) {
	topic := o.name("T", "")
	p := o.newProducer()
	defer shutdown(p)

	want := map[string]*sent{}
	idx := 0
	next := func(mode string) (*primitive.Message, *sent) {
		m, s := o.newMessage(topic, "send", idx, "Tag"+mode)
		m.WithProperty(propSendMode, mode)
		s.props[propSendMode] = mode
		want[s.id] = s
		idx++
		return m, s
	}

	// sync (the first send auto-creates the topic)
	for i := 0; i < sendPerMode; i++ {
		m, s := next("sync")
		sendSync(p, m, s)
	}
	logf("sync: %d sent", sendPerMode)

	// async
	var wg sync.WaitGroup
	var mu sync.Mutex
	var asyncErrs []string
	for i := 0; i < sendPerMode; i++ {
		m, s := next("async")
		wg.Add(1)
		err := p.SendAsync(context.Background(), func(_ context.Context, r *primitive.SendResult, err error) {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				asyncErrs = append(asyncErrs, s.id+": "+err.Error())
			} else if r.Status != primitive.SendOK {
				asyncErrs = append(asyncErrs, s.id+": status "+r.String())
			}
		}, m)
		must(err, "send async "+s.id)
	}
	wg.Wait()
	check(len(asyncErrs) == 0, "%d async send(s) failed: %v", len(asyncErrs), head(asyncErrs, 3))
	logf("async: %d sent, %d callbacks OK", sendPerMode, sendPerMode)

	// oneway
	for i := 0; i < sendPerMode; i++ {
		m, s := next("oneway")
		must(p.SendOneWay(context.Background(), m), "send oneway "+s.id)
	}
	logf("oneway: %d sent", sendPerMode)

	// batch: one SEND_BATCH_MESSAGE per batch
	for b := 0; b < batches; b++ {
		msgs := make([]*primitive.Message, 0, perBatch)
		for i := 0; i < perBatch; i++ {
			m, _ := next("batch")
			msgs = append(msgs, m)
		}
		r, err := p.SendSync(context.Background(), msgs...)
		must(err, "send batch")
		check(r.Status == primitive.SendOK, "send batch: status %d", r.Status)
	}
	logf("batch: %d batches of %d sent", batches, perBatch)

	col := newCollector()
	c := o.newPushConsumer(o.name("G", ""), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: allTagsExpr}, col.handler("c"))
	defer shutdown(c)
	o.waitUntil("every message sent", func() bool { return col.has(want, "") })

	dups := col.checkExactly(want, topic)
	perMode := map[string]int{}
	for _, d := range col.snapshot() {
		mode := d.msg.GetProperty(propSendMode)
		if mode == "" {
			continue
		}
		checkSendProperties(o, mode, d.msg)
		if perMode[mode] == 0 {
			logf("%s: received property keys %v", mode, propertyKeys(d.msg.GetProperties()))
		}
		perMode[mode]++
	}
	wantPerMode := map[string]int{"sync": sendPerMode, "async": sendPerMode, "oneway": sendPerMode, "batch": batches * perBatch}
	for mode, n := range wantPerMode {
		got := 0
		for id, s := range want {
			if s.props[propSendMode] == mode && col.count(map[string]*sent{id: s}, "") == 1 {
				got++
			}
		}
		check(got == n, "%s: %d distinct messages received, %d sent", mode, got, n)
		logf("%s: %d sent, %d received (%d deliveries)", mode, n, got, perMode[mode])
	}
	logf("%d messages, %d duplicate deliveries", len(want), dups)
}

func propertyKeys(p map[string]string) []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkSendProperties compares the property keys of a received message with those Java 5.3.3
// delivers for the same Go send: what the Go producer sets (UNIQ_KEY except inside a batch,
// KEYS, TAGS, the user properties), what the broker adds (CLUSTER, MSG_REGION, TRACE_ON) and
// what the Go consumer adds (CONSUME_START_TIME, MIN_OFFSET, MAX_OFFSET).
func checkSendProperties(o *opts, mode string, m *primitive.MessageExt) {
	want := []string{"CLUSTER", "CONSUME_START_TIME", "KEYS", "MAX_OFFSET", "MIN_OFFSET", "MSG_REGION", "TAGS",
		"TRACE_ON", propID, propIdx, propSendMode, propUTF8Key}
	if mode != "batch" {
		want = append(want, "UNIQ_KEY")
	}
	sort.Strings(want)
	got := propertyKeys(m.GetProperties())
	check(strings.Join(got, ",") == strings.Join(want, ","), "%s %s: property keys %v, Java delivers %v",
		mode, m.GetProperty(propID), got, want)
	check(m.GetProperty("MSG_REGION") == "DefaultRegion" && m.GetProperty("TRACE_ON") == "true",
		"%s %s: MSG_REGION %q TRACE_ON %q", mode, m.GetProperty(propID), m.GetProperty("MSG_REGION"), m.GetProperty("TRACE_ON"))
	if o.cluster != "" {
		check(m.GetProperty("CLUSTER") == o.cluster, "%s %s: CLUSTER %q, want %q", mode, m.GetProperty(propID),
			m.GetProperty("CLUSTER"), o.cluster)
	}
}

package main

import (
	"context"
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
		if d.msg.GetProperty(propSendMode) == "" {
			continue
		}
		perMode[d.msg.GetProperty(propSendMode)]++
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

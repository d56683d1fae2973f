package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

const (
	pullCount = 40
	pullBatch = 8
)

func (o *opts) newPullConsumer(group, topic string, extra ...consumer.Option) rocketmq.PullConsumer {
	options := []consumer.Option{
		consumer.WithNsResolver(primitive.NewPassthroughResolver(o.namesrv)),
		consumer.WithGroupName(group),
		consumer.WithInstance(instance("pull")),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
	}
	c, err := rocketmq.NewPullConsumer(append(options, extra...)...)
	must(err, "new pull consumer")
	must(c.Subscribe(topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}), "subscribe "+topic)
	must(c.Start(), "start pull consumer of "+group)
	return c
}

// runPull sends pullCount messages, then (1) PullFrom reads every queue from offset 0 in
// batches of pullBatch until PullNoNewMsg: each queue must hold, at the offsets the send
// results named, the messages sent, with contiguous offsets and nothing missing; (2) a second
// group reads the topic with Poll and ACK.
func runPull(o *opts) {
	topic := o.name("T", "")
	p := o.newProducer()
	defer shutdown(p)
	o.warmUp(p, topic)

	want := map[string]*sent{}
	at := map[int]map[int64]*sent{} // queue -> offset -> message
	for i := 0; i < pullCount; i++ {
		m, s := o.newMessage(topic, "pull", i, "TagP")
		sendSync(p, m, s)
		want[s.id] = s
		if at[s.queue] == nil {
			at[s.queue] = map[int64]*sent{}
		}
		at[s.queue][s.qoff] = s
	}

	pc := o.newPullConsumer(o.name("G", "from"), topic)
	defer shutdown(pc)
	mqs, err := pc.GetTopicRouteInfo(topic)
	must(err, "route of "+topic)
	sort.Slice(mqs, func(i, j int) bool { return mqs[i].QueueId < mqs[j].QueueId })

	// A send is acknowledged once its record is in the CommitLog; the ConsumeQueue unit
	// follows asynchronously (Java's ReputMessageService polls every millisecond). Wait
	// until each queue's max offset covers what the send results said, then read.
	sentMax := map[int]int64{}
	for q, offs := range at {
		for off := range offs {
			if off+1 > sentMax[q] {
				sentMax[q] = off + 1
			}
		}
	}
	t0 := time.Now()
	o.waitUntil("the max offsets of the send results", func() bool {
		for _, mq := range mqs {
			if res := pullFrom(pc, mq, 0); res.MaxOffset < sentMax[mq.QueueId] {
				return false
			}
		}
		return true
	})
	logf("waited %.0f ms for every queue's max offset to cover the send results", float64(time.Since(t0).Microseconds())/1000)

	read := 0
	maxOffsets := map[int]int64{}
	for _, mq := range mqs {
		offset, maxOffset := int64(0), int64(-1)
		pulls := 0
		var trace []string
		// Pull up to the max offset the broker reports: a pull at the end of a queue is held
		// by the broker (long polling, 20 s for PullFrom).
		for maxOffset < 0 || offset < maxOffset {
			check(pulls < 1000, "queue %d: no end after %d pulls", mq.QueueId, pulls)
			pulls++
			res := pullFrom(pc, mq, offset)
			check(res.Status == primitive.PullFound, "queue %d offset %d: pull status %d (next %d, max %d)",
				mq.QueueId, offset, res.Status, res.NextBeginOffset, res.MaxOffset)
			msgs := res.GetMessageExts()
			check(len(msgs) > 0 && len(msgs) <= pullBatch, "queue %d offset %d: FOUND with %d messages (asked %d)",
				mq.QueueId, offset, len(msgs), pullBatch)
			for i, m := range msgs {
				check(m.QueueOffset == offset+int64(i), "queue %d: message %d of a pull from %d has offset %d",
					mq.QueueId, i, offset, m.QueueOffset)
				check(m.Queue.QueueId == mq.QueueId, "queue %d: message of queue %d", mq.QueueId, m.Queue.QueueId)
				if s, ok := at[mq.QueueId][m.QueueOffset]; ok {
					check(m.GetProperty(propID) == s.id, "queue %d offset %d: %q, the send result said %s",
						mq.QueueId, m.QueueOffset, m.GetProperty(propID), s.id)
					verify(s, m, topic)
					read++
				} else {
					check(m.GetProperty(propID) == "", "queue %d offset %d: %s, not sent there", mq.QueueId, m.QueueOffset, m.GetProperty(propID))
				}
			}
			check(res.NextBeginOffset == offset+int64(len(msgs)), "queue %d: next begin offset %d after %d messages from %d",
				mq.QueueId, res.NextBeginOffset, len(msgs), offset)
			trace = append(trace, fmt.Sprintf("from %d: %d msgs, next %d, max %d", offset, len(msgs), res.NextBeginOffset, res.MaxOffset))
			offset, maxOffset = res.NextBeginOffset, res.MaxOffset
		}
		check(offset == maxOffset, "queue %d: read up to %d, max offset %d", mq.QueueId, offset, maxOffset)
		maxOffsets[mq.QueueId] = maxOffset
		logf("queue %d: read offsets 0..%d in %d pulls (%s)", mq.QueueId, offset-1, pulls, strings.Join(trace, "; "))
	}
	check(read == len(want), "PullFrom read %d of the %d messages sent", read, len(want))

	// An offset beyond the end: OFFSET_MOVED (PullOffsetIllegal) with the max offset as next.
	mq := mqs[0]
	res := pullFrom(pc, mq, maxOffsets[mq.QueueId]+5)
	check(res.Status == primitive.PullOffsetIllegal && res.NextBeginOffset == maxOffsets[mq.QueueId],
		"queue %d: pull from %d (max %d) gave status %d, next %d; want PullOffsetIllegal, next = max", mq.QueueId,
		maxOffsets[mq.QueueId]+5, maxOffsets[mq.QueueId], res.Status, res.NextBeginOffset)
	logf("queue %d: pull beyond the end: PullOffsetIllegal, next begin offset %d", mq.QueueId, res.NextBeginOffset)

	// A pull at the end is held until a message arrives on that queue (long polling).
	mq = mqs[len(mqs)-1]
	held := make(chan *primitive.PullResult, 1)
	t0 = time.Now()
	go func() { held <- pullFrom(pc, mq, maxOffsets[mq.QueueId]) }()
	time.Sleep(500 * time.Millisecond)
	manual := o.newProducer(producer.WithQueueSelector(producer.NewManualQueueSelector()))
	defer shutdown(manual)
	m, s := o.newMessage(topic, "held", pullCount, "TagP")
	m.Queue = mq
	sendSync(manual, m, s)
	check(s.queue == mq.QueueId && s.qoff == maxOffsets[mq.QueueId], "manual send went to queue %d offset %d", s.queue, s.qoff)
	res = <-held
	check(res.Status == primitive.PullFound && len(res.GetMessageExts()) == 1, "held pull: status %d with %d messages",
		res.Status, len(res.GetMessageExts()))
	verify(s, res.GetMessageExts()[0], topic)
	want[s.id] = s
	logf("queue %d: a pull at the end, held by the broker, returned the message sent 0.5 s later after %.1f s",
		mq.QueueId, time.Since(t0).Seconds())

	// Poll and ACK over the whole topic.
	poller := o.newPullConsumer(o.name("G", "poll"), topic)
	defer shutdown(poller)
	col := newCollector()
	deadline := time.Now().Add(o.timeout)
	polls := 0
	for !col.has(want, "") {
		check(time.Now().Before(deadline), "Poll: %d of %d messages after %s", col.count(want, ""), len(want), o.timeout)
		cr, err := poller.Poll(context.Background(), 2*time.Second)
		if consumer.IsNoNewMsgError(err) {
			continue
		}
		must(err, "Poll")
		polls++
		col.add("poll", cr.GetMsgList()...)
		poller.ACK(context.Background(), cr, consumer.ConsumeSuccess)
	}
	dups := col.checkExactly(want, topic)
	logf("PullFrom read all %d messages; Poll/ACK received them in %d polls (%d duplicate deliveries)", read, polls, dups)
}

func pullFrom(pc rocketmq.PullConsumer, mq *primitive.MessageQueue, offset int64) *primitive.PullResult {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	res, err := pc.PullFrom(ctx, mq, offset, pullBatch)
	must(err, fmt.Sprintf("PullFrom %s offset %d", mq, offset))
	return res
}

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

const (
	txCount   = 30                     // messages; i % 3 picks COMMIT, ROLLBACK, UNKNOW
	txLocalMs = 300                    // how long ExecuteLocalTransaction keeps its transaction open
	txQuiet   = 5 * time.Second        // no delivery of a rolled back message this long after the last check
	txKindKey = "txKind"               // property naming the local result
	txCommit  = "COMMIT"               // local COMMIT_MESSAGE
	txRollbk  = "ROLLBACK"             // local ROLLBACK_MESSAGE
	txUnknown = "UNKNOW"               // local UNKNOW, the broker's check is answered COMMIT
	txCheckBy = 120 * time.Second      // upper bound for the checked ones to arrive
	txPoll    = 100 * time.Millisecond // polling period of the waits
)

var txKinds = [3]string{txCommit, txRollbk, txUnknown}

// txBook is what the listener and the consumer saw, by message index.
type txBook struct {
	mu         sync.Mutex
	delivered  map[int]int
	commits    map[int]int // COMMIT answers given (locally or to a check)
	checks     map[int]int
	lastCheck  time.Time
	violations []string
	warmups    int
}

func (b *txBook) violation(format string, args ...interface{}) {
	b.violations = append(b.violations, fmt.Sprintf(format, args...))
}

// txListener answers by the message's txKind property; it runs in the producer.
type txListener struct{ b *txBook }

func msgIndex(m *primitive.Message) int {
	i, err := strconv.Atoi(m.GetProperty(propIdx))
	if err != nil {
		return -1
	}
	return i
}

func (l txListener) ExecuteLocalTransaction(m *primitive.Message) primitive.LocalTransactionState {
	time.Sleep(txLocalMs * time.Millisecond)
	i := msgIndex(m)
	b := l.b
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.delivered[i] > 0 {
		b.violation("#%d delivered while its local transaction was open", i)
	}
	switch m.GetProperty(txKindKey) {
	case txCommit:
		b.commits[i]++
		return primitive.CommitMessageState
	case txRollbk:
		return primitive.RollbackMessageState
	default:
		return primitive.UnkonwnState
	}
}

func (l txListener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	i := msgIndex(&m.Message)
	kind := m.GetProperty(txKindKey)
	b := l.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.checks[i]++
	b.lastCheck = time.Now()
	if kind == txUnknown && b.checks[i] == 1 && b.delivered[i] > 0 {
		b.violation("#%d (%s) delivered before its first check", i, kind)
	}
	if kind == txRollbk {
		return primitive.RollbackMessageState
	}
	b.commits[i]++
	return primitive.CommitMessageState
}

// consume books a delivery and says whether it was allowed at that moment: a COMMIT or UNKNOW
// message only after a COMMIT answer for it (the local one, or a check's), and at most once per
// such answer; a ROLLBACK one never. Each check names a new copy of the half message and every
// committed copy is delivered, with Java's broker too, so a check that overtakes an answer
// (one not yet written as an op record) yields a second delivery. The brokers' settings in
// go.sh (op records written within 500 ms, checks of half messages 2 s old) make that rare:
// the summary line counts the checks of COMMIT ones.
func (b *txBook) consume(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range msgs {
		if m.GetProperty(propID) == "" {
			b.warmups++
			continue
		}
		i := msgIndex(&m.Message)
		kind := m.GetProperty(txKindKey)
		b.delivered[i]++
		n, commits := b.delivered[i], b.commits[i]
		switch {
		case kind == txRollbk:
			b.violation("#%d rolled back but delivered", i)
		case commits == 0:
			b.violation("#%d (%s) delivered before any COMMIT answer", i, kind)
		case n > commits:
			b.violation("#%d (%s) delivered %d times for %d COMMIT answers", i, kind, n, commits)
		}
	}
	return consumer.ConsumeSuccess, nil
}

// sendHalf sends a half message, again after a "broker busy" answer (flow control of a loaded
// broker, the message was not stored), as Java's producer does; the Go client does not.
func sendHalf(p rocketmq.TransactionProducer, m *primitive.Message) (*primitive.TransactionSendResult, error) {
	for attempt := 0; ; attempt++ {
		r, err := p.SendMessageInTransaction(context.Background(), m)
		if err == nil || attempt >= 5 || !strings.Contains(err.Error(), "broker busy") {
			return r, err
		}
		logf("half send: %v; again in 500 ms", err)
		time.Sleep(500 * time.Millisecond)
	}
}

// runTransaction: a transaction producer sends txCount half messages while a push consumer is
// already subscribed; see txListener and consume for what each kind must do.
func runTransaction(o *opts) {
	topic := o.name("T", "")
	plain := o.newProducer()
	defer shutdown(plain)
	o.warmUp(plain, topic)

	b := &txBook{delivered: map[int]int{}, commits: map[int]int{}, checks: map[int]int{}}
	// The producer and the consumer share one client (one instance name, the producer created
	// first so that its client takes the check requests): the consumer's start sends a heartbeat
	// naming the producer group at once, so the broker has a channel for its checks. Alone, the
	// producer's first heartbeat after its first route could come 30 s late.
	inst := instance("tx")
	p, err := rocketmq.NewTransactionProducer(txListener{b},
		producer.WithNsResolver(primitive.NewPassthroughResolver(o.namesrv)),
		producer.WithGroupName(o.name("PG", "")),
		producer.WithInstanceName(inst),
		producer.WithRetry(2),
		producer.WithSendMsgTimeout(10*time.Second))
	must(err, "new transaction producer")
	must(p.Start(), "start transaction producer")
	defer shutdown(p)
	c := o.newPushConsumer(o.name("G", ""), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"},
		b.consume, consumer.WithInstance(inst))
	defer shutdown(c)
	locked := func(f func() bool) func() bool {
		return func() bool { b.mu.Lock(); defer b.mu.Unlock(); return f() }
	}
	o.waitUntil("the warm-up message", locked(func() bool { return b.warmups > 0 }))

	states := map[primitive.LocalTransactionState]int{}
	for i := 0; i < txCount; i++ {
		kind := txKinds[i%3]
		m, _ := o.newMessage(topic, "tx", i, kind)
		m.WithProperty(txKindKey, kind)
		r, err := sendHalf(p, m)
		must(err, "half send #"+strconv.Itoa(i))
		check(r.Status == primitive.SendOK, "half send #%d: status %d", i, r.Status)
		states[r.State]++
	}
	logf("%d half messages sent, local states commit %d, rollback %d, unknown %d", txCount,
		states[primitive.CommitMessageState], states[primitive.RollbackMessageState], states[primitive.UnkonwnState])

	committed := func() bool {
		for i := 0; i < txCount; i++ {
			if txKinds[i%3] != txRollbk && b.delivered[i] == 0 {
				return false
			}
		}
		return true
	}
	saved := o.timeout
	o.timeout = txCheckBy
	o.waitUntil("the committed and checked messages", locked(committed))
	o.timeout = saved
	// Rolled back ones must stay invisible while checks may still be answered.
	end := time.Now().Add(txQuiet)
	for {
		b.mu.Lock()
		last := b.lastCheck
		b.mu.Unlock()
		if time.Now().After(end) && time.Since(last) > txQuiet {
			break
		}
		time.Sleep(txPoll)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	dups, unknownChecks, otherChecks := 0, 0, 0
	for i := 0; i < txCount; i++ {
		if n := b.delivered[i]; n > 1 {
			dups += n - 1
		}
		if txKinds[i%3] == txUnknown {
			unknownChecks += b.checks[i]
			check(b.checks[i] > 0, "#%d (UNKNOW) was never checked", i)
		} else {
			otherChecks += b.checks[i]
		}
	}
	logf("delivered %d distinct (%d duplicates); checks: %d for UNKNOW, %d for COMMIT/ROLLBACK ones",
		len(b.delivered), dups, unknownChecks, otherChecks)
	check(len(b.violations) == 0, "violations: %v", head(b.violations, 10))
	check(len(b.delivered) == txCount*2/3, "%d distinct messages delivered, want %d", len(b.delivered), txCount*2/3)
}

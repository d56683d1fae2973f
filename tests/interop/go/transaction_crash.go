package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

const (
	txCrashCount   = 10               // half messages
	txCrashChecked = 60 * time.Second // upper bound for the first check of each before the kill
	txCrashRelease = 120 * time.Second
	txCrashArrive  = 90 * time.Second // upper bound for all to arrive after the release
	txCrashSettle  = 3 * time.Second  // extra wait for late duplicates before the summary
)

// txCrashListener answers UNKNOW locally and to every check until the release file exists
// (or st.released was set), COMMIT from then on. It shares the lock and the books of txBook,
// whose consume rejects a delivery not backed by a COMMIT answer.
type txCrashListener struct {
	b       *txBook
	release string
	st      *txCrashState // guarded by b.mu
}

type txCrashState struct {
	released    bool
	firstCommit time.Time // the first COMMIT answer to a check
}

func (l txCrashListener) ExecuteLocalTransaction(*primitive.Message) primitive.LocalTransactionState {
	return primitive.UnkonwnState
}

func (l txCrashListener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	i := msgIndex(&m.Message)
	b := l.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.checks[i]++
	b.lastCheck = time.Now()
	if !l.st.released {
		if _, err := os.Stat(l.release); err == nil {
			l.st.released = true
		}
	}
	if !l.st.released {
		return primitive.UnkonwnState
	}
	if l.st.firstCommit.IsZero() {
		l.st.firstCommit = time.Now()
	}
	b.commits[i]++
	return primitive.CommitMessageState
}

// runTransactionCrash: txCrashCount half messages answered UNKNOW until the broker checked each
// once; then it prints KILL-BROKER-NOW and waits for --release-file, which go.sh creates after
// it killed the broker with SIGKILL and restarted it on the same store and port. From then on
// checks answer COMMIT: every message must arrive, none before its COMMIT answer (duplicates
// are allowed: the restarted broker may check a copy again whose progress it had not saved).
func runTransactionCrash(o *opts) {
	check(o.releaseFile != "", "transaction-crash needs --release-file")
	topic := o.name("T", "")
	// Not the transaction producer's group: the broker sends a check to any channel of the
	// group, and a plain producer leaves it unanswered.
	plain := o.newProducer(producer.WithGroupName(o.name("PG", "plain")))
	defer shutdown(plain)
	o.warmUp(plain, topic)

	b := &txBook{delivered: map[int]int{}, commits: map[int]int{}, checks: map[int]int{}}
	st := &txCrashState{}
	// One client for the producer and the consumer, as in runTransaction: the consumer's start
	// sends a heartbeat naming the producer group at once (the Go client's heartbeat period is a
	// fixed 30 s).
	inst := instance("txc")
	p, err := rocketmq.NewTransactionProducer(txCrashListener{b, o.releaseFile, st},
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

	for i := 0; i < txCrashCount; i++ {
		m, _ := o.newMessage(topic, "txc", i, txUnknown)
		m.WithProperty(txKindKey, txUnknown)
		r, err := sendHalf(p, m)
		must(err, "half send #"+strconv.Itoa(i))
		check(r.Status == primitive.SendOK, "half send #%d: status %d", i, r.Status)
		check(r.State == primitive.UnkonwnState, "half send #%d: local state %d, want UNKNOW", i, r.State)
	}
	all := func(m map[int]int) bool {
		for i := 0; i < txCrashCount; i++ {
			if m[i] == 0 {
				return false
			}
		}
		return true
	}
	o.timeout = txCrashChecked
	o.waitUntil("a check of every half message", locked(func() bool { return all(b.checks) }))
	b.mu.Lock()
	checks, early := sum(b.checks), len(b.delivered)
	b.mu.Unlock()
	logf("%d half messages sent, each checked and answered UNKNOW (%d checks), %d delivered", txCrashCount, checks, early)
	check(early == 0, "%d message(s) delivered before the kill", early)
	fmt.Printf("KILL-BROKER-NOW\n")

	killed := time.Now()
	o.timeout = txCrashRelease
	o.waitUntil("the release file "+o.releaseFile, func() bool { _, err := os.Stat(o.releaseFile); return err == nil })
	b.mu.Lock()
	st.released = true
	before := sum(b.checks)
	b.mu.Unlock()
	releasedAt := time.Now()
	logf("released %.1f s after the kill marker; checks answer COMMIT now", releasedAt.Sub(killed).Seconds())
	// The restarted broker sends checks only to a channel it learnt from a heartbeat naming the
	// producer group, and the Go client's heartbeat period is a fixed 30 s (Java's scenario sets
	// 1 s), long enough for the broker to discard the half messages after transactionCheckMax
	// (15) checks without a channel. A consumer started in the same client sends one at once.
	nudge := o.newPushConsumer(o.name("G", "nudge"), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"},
		func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
			return consumer.ConsumeSuccess, nil
		}, consumer.WithInstance(inst))
	defer shutdown(nudge)

	o.timeout = txCrashArrive
	o.waitUntil("every message after the release", locked(func() bool { return all(b.delivered) }))
	b.mu.Lock()
	first := st.firstCommit.Sub(releasedAt).Seconds()
	b.mu.Unlock()
	logf("all %d delivered %.1f s after the release (the first COMMIT answer to a check after %.1f s)",
		txCrashCount, time.Since(releasedAt).Seconds(), first)
	time.Sleep(txCrashSettle)

	b.mu.Lock()
	defer b.mu.Unlock()
	dups := 0
	for _, n := range b.delivered {
		dups += n - 1
	}
	logf("delivered %d of %d (%d duplicates), checks after the release: %d", len(b.delivered), txCrashCount,
		dups, sum(b.checks)-before)
	check(len(b.violations) == 0, "violations: %v", head(b.violations, 10))
	check(len(b.delivered) == txCrashCount, "%d distinct messages delivered, want %d", len(b.delivered), txCrashCount)
}

func sum(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

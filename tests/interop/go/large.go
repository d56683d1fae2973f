package main

import (
	"crypto/sha256"
	"math/rand"

	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// Bodies around and far above the Go producer's compression threshold
// (CompressMsgBodyOverHowmuch, 4096 bytes: a body of at least that size is zlib-compressed
// and flagged in sysFlag). The 5 MB body is hex text, which compresses to about half, below
// the broker's 4 MiB maxMessageSize; the random binary body does not compress at all.
const compressThreshold = 4096

var largeBodies = []struct {
	name string
	size int
	gen  func(r *rand.Rand, n int) []byte
}{
	{"below-threshold", 4095, textBody},
	{"at-threshold", 4096, textBody},
	{"random-binary-256KiB", 256 << 10, binaryBody},
	{"text-1MiB", 1 << 20, textBody},
	{"hex-5MB", 5_000_000, hexBody},
}

func textBody(r *rand.Rand, n int) []byte {
	words := []string{"rocket ", "queue ", "broker ", "Grüße ", "消息 ", "offset "}
	b := make([]byte, 0, n+16)
	for len(b) < n {
		b = append(b, words[r.Intn(len(words))]...)
	}
	return b[:n]
}

func binaryBody(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	r.Read(b)
	return b
}

func hexBody(r *rand.Rand, n int) []byte {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[r.Intn(16)]
	}
	return b
}

// runLargeBody sends each body once; the consumer must get every body byte for byte.
func runLargeBody(o *opts) {
	topic := o.name("T", "")
	p := o.newProducer()
	defer shutdown(p)
	o.warmUp(p, topic)

	r := rand.New(rand.NewSource(42))
	want := map[string]*sent{}
	for i, lb := range largeBodies {
		m, s := o.newMessage(topic, "large", i, "TagL")
		m.Body = lb.gen(r, lb.size)
		s.body = m.Body
		sendSync(p, m, s)
		want[s.id] = s
		logf("sent %-22s %9d bytes, sha256 %x (compressed by the client: %v)", lb.name, len(s.body),
			sha256.Sum256(s.body), m.Compress)
	}

	col := newCollector()
	c := o.newPushConsumer(o.name("G", ""), topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}, col.handler("c"))
	defer shutdown(c)
	o.waitUntil("every large message", func() bool { return col.has(want, "") })
	dups := col.checkExactly(want, topic) // compares every body byte for byte
	for _, d := range col.snapshot() {
		if s, ok := want[d.msg.GetProperty(propID)]; ok {
			compressed := d.msg.SysFlag&primitive.FlagCompressed != 0
			check(compressed == (len(s.body) >= compressThreshold), "%s (%d bytes): compressed flag %v in sysFlag %d",
				s.id, len(s.body), compressed, d.msg.SysFlag)
			logf("received %s: %d bytes, sha256 %x, store size %d, compressed flag %v", s.id, len(d.msg.Body),
				sha256.Sum256(d.msg.Body), d.msg.StoreSize, compressed)
		}
	}
	logf("%d bodies intact (%d duplicate deliveries)", len(want), dups)
}

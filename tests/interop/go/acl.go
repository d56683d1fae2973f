package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// aclOpts are the options of the acl scenario; the users and ACLs are set up by
// tests/interop/acl.sh: pub may publish to topic only, sub may subscribe to it with group.
type aclOpts struct {
	topic, deniedTopic, group  string
	pubAK, pubSK, subAK, subSK string
}

func aclCreds(ak, sk string) primitive.Credentials {
	return primitive.Credentials{AccessKey: ak, SecretKey: sk}
}

// aclSend sends one message to topic with a fresh producer signing with c.
func (o *opts) aclSend(c primitive.Credentials, topic string) (*primitive.SendResult, error) {
	p, err := rocketmq.NewProducer(
		producer.WithNsResolver(primitive.NewPassthroughResolver(o.namesrv)),
		producer.WithGroupName("GoACL_PG"),
		producer.WithInstanceName(instance("acl-producer")),
		producer.WithRetry(0),
		producer.WithCredentials(c),
	)
	must(err, "new producer")
	must(p.Start(), "start producer")
	defer shutdown(p)
	return p.SendSync(context.Background(), primitive.NewMessage(topic, []byte("acl go")))
}

// aclPull pulls queue 0 of topic once with a fresh pull consumer signing with c.
func (o *opts) aclPull(c primitive.Credentials) error {
	pc := o.newPullConsumer(o.acl.group, o.acl.topic, consumer.WithCredentials(c))
	defer shutdown(pc)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	mq := &primitive.MessageQueue{Topic: o.acl.topic, BrokerName: o.brokerName, QueueId: 0}
	_, err := pc.PullFrom(ctx, mq, 0, 1)
	return err
}

// aclRefused checks that err is the broker's NO_PERMISSION (16).
func aclRefused(what string, err error) {
	check(err != nil, "%s: expected NO_PERMISSION, it succeeded", what)
	msg := err.Error()
	check(strings.Contains(msg, "CODE: 16,") || strings.Contains(msg, "Code: 16,"),
		"%s: expected NO_PERMISSION (16), got %v", what, err)
	logf("%s: refused (%s)", what, firstLine(msg))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// runACL: pub sends to topic (SEND_OK), is refused on the denied topic, a wrong secret is
// refused, pub (no SUB) cannot pull, sub can.
func runACL(o *opts) {
	a := o.acl
	for _, v := range []string{a.topic, a.deniedTopic, a.group, a.pubAK, a.pubSK, a.subAK, a.subSK, o.brokerName} {
		check(v != "", "acl needs --topic --denied-topic --group --pub-ak --pub-sk --sub-ak --sub-sk --broker-name")
	}
	r, err := o.aclSend(aclCreds(a.pubAK, a.pubSK), a.topic)
	must(err, fmt.Sprintf("send to %s as %s", a.topic, a.pubAK))
	check(r.Status == primitive.SendOK, "send to %s: status %d", a.topic, r.Status)
	logf("send to %s as %s: SEND_OK", a.topic, a.pubAK)

	_, err = o.aclSend(aclCreds(a.pubAK, a.pubSK), a.deniedTopic)
	aclRefused(fmt.Sprintf("send to %s as %s", a.deniedTopic, a.pubAK), err)
	_, err = o.aclSend(aclCreds(a.pubAK, a.pubSK+"-wrong"), a.topic)
	aclRefused(fmt.Sprintf("send to %s with a wrong secret", a.topic), err)
	aclRefused(fmt.Sprintf("pull %s as %s (no SUB)", a.topic, a.pubAK), o.aclPull(aclCreds(a.pubAK, a.pubSK)))
	must(o.aclPull(aclCreds(a.subAK, a.subSK)), fmt.Sprintf("pull %s as %s", a.topic, a.subAK))
	logf("pull %s as %s: ok", a.topic, a.subAK)
}

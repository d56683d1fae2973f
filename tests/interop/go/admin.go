package main

import (
	"context"
	"time"

	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
)

const adminQueues = 6

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// runAdmin drives the Go admin package: CreateTopic on the broker, FetchAllTopicList,
// FetchPublishMessageQueues, FetchClusterList, GetAllSubscriptionGroup (after a consumer of a
// new group has sent its heartbeat) and DeleteTopic from broker and name server. The admin
// calls do not look at response codes, so every effect is checked by reading it back.
func runAdmin(o *opts) {
	check(o.brokerAddr != "" && o.brokerName != "" && o.cluster != "", "admin needs -b, --broker-name and --cluster")
	ctx := context.Background()
	topic := o.name("T", "")
	a := o.newAdmin()
	defer a.Close()

	must(a.CreateTopic(ctx, admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(o.brokerAddr),
		admin.WithReadQueueNums(adminQueues), admin.WithWriteQueueNums(adminQueues)), "CreateTopic")
	o.waitUntil("the new topic in FetchAllTopicList", func() bool {
		l, err := a.FetchAllTopicList(ctx)
		return err == nil && contains(l.TopicList, topic)
	})
	logf("CreateTopic %s (%d queues) on %s: listed by the name server", topic, adminQueues, o.brokerAddr)

	mqs, err := a.FetchPublishMessageQueues(ctx, topic)
	must(err, "FetchPublishMessageQueues")
	check(len(mqs) == adminQueues, "FetchPublishMessageQueues: %d queues, created %d", len(mqs), adminQueues)
	seen := map[int]bool{}
	for _, mq := range mqs {
		check(mq.Topic == topic && mq.BrokerName == o.brokerName, "queue %s: want topic %s on broker %s", mq, topic, o.brokerName)
		seen[mq.QueueId] = true
	}
	check(len(seen) == adminQueues, "queue ids %v", seen)
	clusters, err := a.FetchClusterList(topic)
	must(err, "FetchClusterList")
	check(len(clusters) == 1 && clusters[0] == o.cluster, "FetchClusterList: %v, want [%s]", clusters, o.cluster)
	logf("FetchPublishMessageQueues: %d queues on %s; FetchClusterList: %v", len(mqs), o.brokerName, clusters)

	// A consumer's heartbeat creates its subscription group (autoCreateSubscriptionGroup).
	group := o.name("G", "")
	col := newCollector()
	c := o.newPushConsumer(group, topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}, col.handler("c"))
	var groups int
	o.waitUntil("the consumer's group in GetAllSubscriptionGroup", func() bool {
		w, err := a.GetAllSubscriptionGroup(ctx, o.brokerAddr, 3*time.Second)
		if err != nil {
			fail("GetAllSubscriptionGroup: %v", err)
		}
		g, ok := w.SubscriptionGroupTable[group]
		groups = len(w.SubscriptionGroupTable)
		return ok && g.GroupName == group && g.ConsumeEnable
	})
	shutdown(c)
	logf("GetAllSubscriptionGroup: %d groups, including %s", groups, group)

	must(a.DeleteTopic(ctx, admin.WithTopicDelete(topic), admin.WithBrokerAddrDelete(o.brokerAddr),
		admin.WithNameSrvAddr(o.namesrv)), "DeleteTopic")
	l, err := a.FetchAllTopicList(ctx)
	must(err, "FetchAllTopicList")
	check(!contains(l.TopicList, topic), "FetchAllTopicList still lists %s after DeleteTopic", topic)
	_, err = a.FetchClusterList(topic)
	check(err != nil, "the name server still routes %s after DeleteTopic", topic)
	logf("DeleteTopic: gone from the topic list and the routes (%v)", err)
}

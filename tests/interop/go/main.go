// Command goclient runs interoperability scenarios of the official Go client
// (github.com/apache/rocketmq-client-go/v2) against a running NameServer and broker.
//
//	goclient <scenario> -n 127.0.0.1:9876 [-b 127.0.0.1:10911] [--broker-name B] [--cluster C]
//
// Each scenario uses its own topics and groups (names carry the scenario and a run id), prints
// what it measured and exits 0 on success, 1 with "FAIL <scenario>: <reason>" on a failed
// check, 2 on a bad command line. The client's own log goes to stderr (level from
// ROCKETMQ_GO_LOG_LEVEL, "warn" by default).
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// opts are the command-line options shared by all scenarios.
type opts struct {
	namesrv    []string
	brokerAddr string
	brokerName string
	cluster    string
	timeout    time.Duration
	rounds     int
	runID      string
	acl        aclOpts
	// releaseFile is created by go.sh once the broker was killed and restarted (transaction-crash).
	releaseFile string
}

type scenario struct {
	run  func(o *opts)
	help string
}

var scenarios = map[string]scenario{
	"send":              {runSend, "sync, async, oneway and batch sends; a new group receives each message"},
	"clustering":        {runClustering, "two push consumers of one group split the queues; every message consumed"},
	"broadcasting":      {runBroadcasting, "two broadcasting push consumers each receive every message"},
	"tag-filter":        {runTagFilter, "subscription 'TagA || TagB' receives exactly TagA and TagB messages"},
	"sql-filter":        {runSQLFilter, "SQL92 'a BETWEEN 0 AND 3' receives exactly the matching messages"},
	"orderly":           {runOrderly, "orderly consumer keeps the per-queue order of sharding-key messages"},
	"retry":             {runRetry, "ConsumeRetryLater redelivers with growing reconsume times"},
	"delay":             {runDelay, "delay level 2 (5 s) is not delivered before 5 s"},
	"pull":              {runPull, "pull consumer PullFrom reads every queue; Poll/ACK reads the topic"},
	"admin":             {runAdmin, "admin API: create, list, route, cluster, groups, delete topic"},
	"large-body":        {runLargeBody, "bodies above the 4 KiB compression threshold up to 5 MB arrive intact"},
	"transaction":       {runTransaction, "transaction producer: COMMIT delivered, ROLLBACK never, UNKNOW after the check; none before its commit"},
	"transaction-crash": {runTransactionCrash, "half messages answered UNKNOW, broker kill -9 and restart (go.sh), then COMMIT: all arrive"},
	"start-position":    {runStartPosition, "new group, default CONSUME_FROM_LAST_OFFSET, on a fresh topic gets all 20"},
	"acl":               {runACL, "request signing: allowed send, refused topic, wrong secret, pull without SUB (see acl.sh)"},
	"wait-broker":       {runWaitBroker, "(helper) wait until a broker of --cluster routes TBW102"},
}

// current is the name of the running scenario, used by fail.
var current string

func main() {
	if len(os.Args) < 2 || strings.HasPrefix(os.Args[1], "-") {
		usage()
		os.Exit(2)
	}
	name := os.Args[1]
	sc, ok := scenarios[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown scenario %q\n", name)
		usage()
		os.Exit(2)
	}
	current = name

	fs := flag.NewFlagSet(name, flag.ExitOnError)
	ns := fs.String("n", "", "name server address list, ';'-separated (required)")
	o := &opts{}
	fs.StringVar(&o.brokerAddr, "b", "", "broker address (admin)")
	fs.StringVar(&o.brokerName, "broker-name", "", "expected broker name (admin)")
	fs.StringVar(&o.cluster, "cluster", "", "expected cluster name (admin)")
	fs.DurationVar(&o.timeout, "timeout", 60*time.Second, "upper bound of every wait")
	fs.StringVar(&o.releaseFile, "release-file", "", "file whose creation releases the checks (transaction-crash)")
	fs.IntVar(&o.rounds, "rounds", 10, "repetitions (start-position)")
	fs.StringVar(&o.acl.topic, "topic", "", "topic pub may publish to (acl)")
	fs.StringVar(&o.acl.deniedTopic, "denied-topic", "", "topic pub may not publish to (acl)")
	fs.StringVar(&o.acl.group, "group", "", "group sub may consume with (acl)")
	fs.StringVar(&o.acl.pubAK, "pub-ak", "", "access key of the publishing user (acl)")
	fs.StringVar(&o.acl.pubSK, "pub-sk", "", "secret key of the publishing user (acl)")
	fs.StringVar(&o.acl.subAK, "sub-ak", "", "access key of the subscribing user (acl)")
	fs.StringVar(&o.acl.subSK, "sub-sk", "", "secret key of the subscribing user (acl)")
	_ = fs.Parse(os.Args[2:])
	if *ns == "" {
		fmt.Fprintln(os.Stderr, "-n is required")
		os.Exit(2)
	}
	for _, a := range strings.Split(*ns, ";") {
		if a = strings.TrimSpace(a); a != "" {
			o.namesrv = append(o.namesrv, a)
		}
	}
	o.runID = fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000_000_000)

	level := os.Getenv("ROCKETMQ_GO_LOG_LEVEL")
	if level == "" {
		level = "warn"
	}
	rlog.SetLogLevel(level)

	start := time.Now()
	sc.run(o)
	fmt.Printf("PASS %s (%.1f s)\n", name, time.Since(start).Seconds())
	os.Exit(0)
}

func usage() {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(os.Stderr, "usage: goclient <scenario> -n NAMESRV [-b BROKER_ADDR] [--broker-name B] [--cluster C] [--timeout 60s]")
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-15s %s\n", n, scenarios[n].help)
	}
}

// fail reports a failed check of the running scenario and exits with status 1.
func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL %s: %s\n", current, fmt.Sprintf(format, args...))
	os.Exit(1)
}

// check fails the scenario with the message when cond is false.
func check(cond bool, format string, args ...interface{}) {
	if !cond {
		fail(format, args...)
	}
}

// must fails the scenario when err is not nil.
func must(err error, what string) {
	if err != nil {
		fail("%s: %v", what, err)
	}
}

func logf(format string, args ...interface{}) {
	fmt.Printf("  "+format+"\n", args...)
}

// name returns a topic or group name unique to this run of the scenario.
func (o *opts) name(kind, suffix string) string {
	s := fmt.Sprintf("Go%s_%s_%s", kind, strings.ReplaceAll(current, "-", ""), o.runID)
	if suffix != "" {
		s += "_" + suffix
	}
	return s
}

// waitUntil polls cond every 50 ms until it holds; it fails the scenario after o.timeout.
func (o *opts) waitUntil(what string, cond func() bool) {
	deadline := time.Now().Add(o.timeout)
	for !cond() {
		if time.Now().After(deadline) {
			fail("timed out after %s waiting for %s", o.timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// runWaitBroker polls until the name servers route TBW102 to a broker of the cluster given by
// --cluster (the broker registered with autoCreateTopicEnable). Used by go.sh, not a check.
func runWaitBroker(o *opts) {
	check(o.cluster != "", "wait-broker needs --cluster")
	o.waitUntil("a broker of "+o.cluster+" routing TBW102", func() bool {
		a := o.newAdmin()
		defer a.Close()
		clusters, err := a.FetchClusterList("TBW102")
		return err == nil && contains(clusters, o.cluster)
	})
}

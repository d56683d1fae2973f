//! `BrokerConfig` and `MessageStoreConfig` keys the broker parses but does not act on yet,
//! and the start-up warning for those a config file sets (see
//! `rmq_remoting::not_implemented_keys` for the NettyServerConfig/NettyClientConfig tables and
//! how the tables are maintained). docs/configuration.md lists the same keys.

use rmq_common::properties::Properties;
use rmq_remoting::not_implemented_keys::{self as remoting, NotImplementedKey, TOKIO_POOLS};

const POP: &str = "no POP consumption";
const PRE_ONLINE: &str = "no pre-online service: a broker serves once started";
const CONTROLLER_DNS: &str = "controllerAddr is a ;-separated address list: no DNS lookup";
const HA: &str = "no acting master, auto in-sync replicas, learner or resend tuning in replication";
const DLEDGER: &str = "no DLedger commit log";
const TIMER: &str =
    "the timer wheel runs one enqueue and one dequeue thread without these switches";
const ROCKSDB: &str = "only the file-based ConsumeQueue store";
const METRICS: &str = "no metrics exporter";
const COLD_READ: &str = "no cold-read flow control";
const TRANSIENT_POOL: &str =
    "no transient store pool: messages are written to the mapped CommitLog";
const CQ_EXT: &str = "no ConsumeQueue extension or batch ConsumeQueue";
const COMPACTION: &str = "no compaction topics";
const SWAP: &str = "mapped files are never swapped out";
const LOAD_BALANCE: &str = "no server-side queue assignment";
const NAMESRV_LOOKUP: &str = "name server addresses come from namesrvAddr (-n, NAMESRV_ADDR) only";
const TRANSACTION_METRICS: &str = "no transaction metrics (half messages per topic)";
const FIXED: &str = "not read by rmq; the built-in behaviour is fixed";

/// `BrokerConfig` keys nothing in rmq reads.
pub const BROKER_CONFIG: &[NotImplementedKey] = &[
    ("isBrokerContainer", "no broker container"),
    ("isInBrokerContainer", "no broker container"),
    ("recoverConcurrently", "recovery runs sequentially"),
    ("messageStorePlugIn", "no message store plug-ins"),
    ("putMessageFutureThreadPoolNums", TOKIO_POOLS),
    ("pullMessageThreadPoolNums", TOKIO_POOLS),
    ("litePullMessageThreadPoolNums", TOKIO_POOLS),
    ("ackMessageThreadPoolNums", TOKIO_POOLS),
    ("processReplyMessageThreadPoolNums", TOKIO_POOLS),
    ("queryMessageThreadPoolNums", TOKIO_POOLS),
    ("adminBrokerThreadPoolNums", TOKIO_POOLS),
    ("clientManageThreadPoolNums", TOKIO_POOLS),
    ("consumerManageThreadPoolNums", TOKIO_POOLS),
    ("loadBalanceProcessorThreadPoolNums", TOKIO_POOLS),
    ("heartbeatThreadPoolNums", TOKIO_POOLS),
    ("recoverThreadPoolNums", TOKIO_POOLS),
    ("endTransactionThreadPoolNums", TOKIO_POOLS),
    ("putThreadPoolQueueCapacity", TOKIO_POOLS),
    ("replyThreadPoolQueueCapacity", TOKIO_POOLS),
    ("clientManagerThreadPoolQueueCapacity", TOKIO_POOLS),
    ("consumerManagerThreadPoolQueueCapacity", TOKIO_POOLS),
    ("heartbeatThreadPoolQueueCapacity", TOKIO_POOLS),
    ("adminBrokerThreadPoolQueueCapacity", TOKIO_POOLS),
    ("loadBalanceThreadPoolQueueCapacity", TOKIO_POOLS),
    ("waitTimeMillsInPullQueue", TOKIO_POOLS),
    ("waitTimeMillsInLitePullQueue", TOKIO_POOLS),
    ("waitTimeMillsInHeartbeatQueue", TOKIO_POOLS),
    ("waitTimeMillsInTransactionQueue", TOKIO_POOLS),
    ("waitTimeMillsInAckQueue", TOKIO_POOLS),
    ("waitTimeMillsInAdminBrokerQueue", TOKIO_POOLS),
    (
        "flushConsumerOffsetHistoryInterval",
        "no consumer offset history file",
    ),
    ("fetchNameSrvAddrByDnsLookup", NAMESRV_LOOKUP),
    ("fetchNamesrvAddrByAddressServer", NAMESRV_LOOKUP),
    ("fetchNamesrvAddrInterval", NAMESRV_LOOKUP),
    ("updateNameServerAddrPeriod", NAMESRV_LOOKUP),
    ("highSpeedMode", FIXED),
    ("commercialBaseCount", "no commercial statistics"),
    ("commercialSizePerMsg", "no commercial statistics"),
    ("accountStatsEnable", "no account statistics"),
    ("accountStatsPrintZeroValues", "no account statistics"),
    (
        "maxStatsIdleTimeInMinutes",
        "statistics are never expired by idle time",
    ),
    ("transferMsgByHeap", FIXED),
    (
        "disableConsumeIfConsumerReadSlowly",
        "slow consumer groups are never disabled",
    ),
    (
        "consumerFallbehindThreshold",
        "slow consumer groups are never disabled",
    ),
    ("enableCalcFilterBitMap", "no consume-filter bit maps"),
    ("expectConsumerNumUseFilter", "no consume-filter bit maps"),
    ("maxErrorRateOfBloomFilter", "no consume-filter bit maps"),
    ("enableNetWorkFlowControl", "no network flow control"),
    ("enableBroadcastOffsetStore", "no broadcast offset store"),
    ("broadcastOffsetExpireSecond", "no broadcast offset store"),
    (
        "broadcastOffsetExpireMaxSecond",
        "no broadcast offset store",
    ),
    ("popPollingSize", POP),
    ("popPollingMapSize", POP),
    ("maxPopPollingSize", POP),
    ("reviveInterval", POP),
    ("reviveMaxSlow", POP),
    ("reviveScanTime", POP),
    ("enableSkipLongAwaitingAck", POP),
    ("reviveAckWaitMs", POP),
    ("enablePopLog", POP),
    ("enablePopBufferMerge", POP),
    ("popCkStayBufferTime", POP),
    ("popCkStayBufferTimeOut", POP),
    ("popCkMaxBufferSize", POP),
    ("popCkOffsetMaxQueueSize", POP),
    ("enablePopBatchAck", POP),
    ("popLongPollingForceNotifyInterval", POP),
    ("enableNotifyBeforePopCalculateLag", POP),
    ("enableNotifyAfterPopOrderLockRelease", POP),
    ("initPopOffsetByCheckMsgInMem", POP),
    ("retrieveMessageFromPopRetryTopicV1", POP),
    ("enableRetryTopicV2", POP),
    ("popFromRetryProbability", POP),
    ("popConsumerFSServiceInit", POP),
    ("popConsumerKVServiceLog", POP),
    ("popConsumerKVServiceInit", POP),
    ("popConsumerKVServiceEnable", POP),
    ("popReviveMaxReturnSizePerRead", POP),
    ("popReviveMaxAttemptTimes", POP),
    ("popResponseReturnActualRetryTopic", POP),
    ("popInflightMessageThreshold", POP),
    ("enablePopMessageThreshold", POP),
    ("skipWhenCKRePutReachMaxTimes", POP),
    ("appendAckAsync", POP),
    ("appendCkAsync", POP),
    ("defaultPopShareQueueNum", POP),
    ("realTimeNotifyConsumerChange", FIXED),
    (
        "syncBrokerMemberGroupPeriod",
        "no broker member group sync (acting master)",
    ),
    ("loadBalancePollNameServerInterval", LOAD_BALANCE),
    ("cleanOfflineBrokerInterval", LOAD_BALANCE),
    ("serverLoadBalancerEnable", LOAD_BALANCE),
    ("defaultMessageRequestMode", LOAD_BALANCE),
    ("transactionMetricFlushInterval", TRANSACTION_METRICS),
    (
        "aclEnable",
        "no ACL 1.0 (Java 5.3 reads it no more either): ACL 2.0 is authenticationEnabled/authorizationEnabled",
    ),
    ("enableDetailStat", FIXED),
    ("isolateLogEnable", "one log file per process"),
    ("forwardTimeout", "no request forwarding (escape bridge)"),
    (
        "enableRemoteEscape",
        "no request forwarding (escape bridge)",
    ),
    ("skipPreOnline", PRE_ONLINE),
    ("asyncSendEnable", FIXED),
    ("lockInStrictMode", FIXED),
    ("compatibleWithOldNameSrv", FIXED),
    ("fetchControllerAddrByDnsLookup", CONTROLLER_DNS),
    ("useStaticSubscription", "no static subscriptions"),
    ("metricsExporterType", METRICS),
    ("metricsOtelCardinalityLimit", METRICS),
    ("metricsGrpcExporterTarget", METRICS),
    ("metricsGrpcExporterHeader", METRICS),
    ("metricGrpcExporterTimeOutInMills", METRICS),
    ("metricGrpcExporterIntervalInMills", METRICS),
    ("metricLoggingExporterIntervalInMills", METRICS),
    ("metricsPromExporterPort", METRICS),
    ("metricsPromExporterHost", METRICS),
    ("metricsLabel", METRICS),
    ("metricsInDelta", METRICS),
    (
        "subscriptionExpiredTimeout",
        "subscriptions never expire on their own",
    ),
    ("estimateAccumulation", FIXED),
    ("coldCtrStrategyEnable", COLD_READ),
    ("usePIDColdCtrStrategy", COLD_READ),
    ("cgColdReadThreshold", COLD_READ),
    ("globalColdReadThreshold", COLD_READ),
    (
        "enableSingleTopicRegister",
        "topics are registered with the full registration only",
    ),
    ("enableSplitRegistration", "registrations are never split"),
    ("splitRegistrationSize", "registrations are never split"),
    ("enableFastChannelEventProcess", FIXED),
    ("printChannelGroups", "channel groups are not logged"),
    ("printChannelGroupsMinNum", "channel groups are not logged"),
    (
        "clearRetryTopicWhenDeleteTopic",
        "deleting a topic leaves retry topics alone",
    ),
    ("enableLmqStats", "no LMQ statistics"),
    (
        "configManagerVersion",
        "config files are always the v1 JSON files",
    ),
    ("allowRecallWhenBrokerNotWriteable", "no RECALL_MESSAGE"),
    ("recallMessageEnable", "no RECALL_MESSAGE"),
    ("enableRegisterProducer", FIXED),
];

const AUTH_CACHE: &str =
    "no metadata cache: users and ACLs are read from memory, every change is written at once";
const STATEFUL: &str = "the stateful strategies check every request like the stateless ones";

/// `AuthConfig` (ACL 2.0) keys nothing in rmq reads.
pub const AUTH_CONFIG: &[NotImplementedKey] = &[
    ("userCacheMaxNum", AUTH_CACHE),
    ("userCacheExpiredSecond", AUTH_CACHE),
    ("userCacheRefreshSecond", AUTH_CACHE),
    ("aclCacheMaxNum", AUTH_CACHE),
    ("aclCacheExpiredSecond", AUTH_CACHE),
    ("aclCacheRefreshSecond", AUTH_CACHE),
    ("statefulAuthenticationCacheMaxNum", STATEFUL),
    ("statefulAuthenticationCacheExpiredSecond", STATEFUL),
    ("statefulAuthorizationCacheMaxNum", STATEFUL),
    ("statefulAuthorizationCacheExpiredSecond", STATEFUL),
];

/// `MessageStoreConfig` keys nothing in rmq reads.
pub const MESSAGE_STORE_CONFIG: &[NotImplementedKey] = &[
    ("storePathDLedgerCommitLog", DLEDGER),
    (
        "readOnlyCommitLogStorePaths",
        "no read-only CommitLog paths",
    ),
    ("compactionMappedFileSize", COMPACTION),
    ("compactionCqMappedFileSize", COMPACTION),
    ("compactionScheduleInternal", COMPACTION),
    ("maxOffsetMapSize", COMPACTION),
    ("compactionThreadNum", COMPACTION),
    ("enableCompaction", COMPACTION),
    ("timerGetMessageThreadNum", TIMER),
    ("timerPutMessageThreadNum", TIMER),
    ("timerEnableDisruptor", TIMER),
    (
        "timerEnableCheckMetrics",
        "no timermetrics file: timer counts are kept in memory",
    ),
    (
        "timerInterceptDelayLevel",
        "unused by Java 5.3.3 too: delay levels keep their own service",
    ),
    ("disappearTimeAfterStart", TIMER),
    ("timerStopEnqueue", TIMER),
    ("timerCheckMetricsWhen", TIMER),
    ("timerSkipUnknownError", TIMER),
    ("timerWarmEnable", TIMER),
    ("timerStopDequeue", TIMER),
    ("timerMetricSmallThreshold", TIMER),
    ("timerProgressLogIntervalMs", TIMER),
    ("timerColdDataCheckIntervalMs", TIMER),
    ("storeType", ROCKSDB),
    ("enableConsumeQueueExt", CQ_EXT),
    ("mappedFileSizeConsumeQueueExt", CQ_EXT),
    ("mapperFileSizeBatchConsumeQueue", CQ_EXT),
    ("bitMapLengthConsumeQueueExt", CQ_EXT),
    ("searchBcqByCacheEnable", CQ_EXT),
    ("commitIntervalCommitLog", TRANSIENT_POOL),
    ("commitCommitLogLeastPages", TRANSIENT_POOL),
    ("commitCommitLogThoroughInterval", TRANSIENT_POOL),
    ("transientStorePoolEnable", TRANSIENT_POOL),
    ("transientStorePoolSize", TRANSIENT_POOL),
    ("fastFailIfNoBufferInStorePool", TRANSIENT_POOL),
    ("maxRecoveryCommitlogFiles", FIXED),
    ("useReentrantLockWhenPutMessage", FIXED),
    ("flushCommitLogTimed", FIXED),
    ("deleteConsumeQueueFilesInterval", FIXED),
    ("destroyMapedFileIntervalForcibly", FIXED),
    ("redeleteHangedFileInterval", FIXED),
    ("putMsgIndexHightWater", FIXED),
    ("putMessageTimeout", FIXED),
    ("debugLockEnable", FIXED),
    ("diskFallRecorded", FIXED),
    // Classic replication (haListenPort, haMasterAddress, haSendHeartbeatInterval,
    // haHousekeepingInterval, haTransferBatchSize, haMaxGapNotInSync, slaveTimeout,
    // inSyncReplicas, haFlowControlEnable, maxHaTransferByteInSecond) is served; these keys
    // belong to controller mode, auto-switch and acting master.
    ("totalReplicas", HA),
    ("enableAutoInSyncReplicas", HA),
    ("syncMasterFlushOffsetWhenStartup", HA),
    ("maxSlaveResendLength", HA),
    ("syncFromLastFile", HA),
    ("asyncLearner", HA),
    ("enableDLegerCommitLog", DLEDGER),
    ("dLegerGroup", DLEDGER),
    ("dLegerPeers", DLEDGER),
    ("dLegerSelfId", DLEDGER),
    ("preferredLeaderId", DLEDGER),
    ("enableBatchPush", DLEDGER),
    ("enableScheduleMessageStats", FIXED),
    ("enableLmq", "no LMQ multi-dispatch"),
    ("enableMultiDispatch", "no LMQ multi-dispatch"),
    ("maxLmqConsumeQueueNum", "no LMQ multi-dispatch"),
    ("enableScheduleAsyncDeliver", FIXED),
    ("scheduleAsyncDeliverMaxPendingLimit", FIXED),
    ("scheduleAsyncDeliverMaxResendNum2Blocked", FIXED),
    ("maxBatchDeleteFilesNum", FIXED),
    ("dispatchCqThreads", TOKIO_POOLS),
    ("dispatchCqCacheNum", FIXED),
    ("enableAsyncReput", FIXED),
    ("recheckReputOffsetFromCq", FIXED),
    (
        "maxTopicLength",
        "topic names are limited to Java's built-in 127 characters",
    ),
    ("enabledAppendPropCRC", "no property CRC"),
    ("forceVerifyPropCRC", "no property CRC"),
    ("correctLogicMinOffsetSleepInterval", FIXED),
    ("correctLogicMinOffsetForceInterval", FIXED),
    ("mappedFileSwapEnable", SWAP),
    ("commitLogForceSwapMapInterval", SWAP),
    ("commitLogSwapMapInterval", SWAP),
    ("commitLogSwapMapReserveFileNum", SWAP),
    ("logicQueueForceSwapMapInterval", SWAP),
    ("logicQueueSwapMapInterval", SWAP),
    ("cleanSwapedMapInterval", SWAP),
    ("logicQueueSwapMapReserveFileNum", SWAP),
    ("dispatchFromSenderThread", FIXED),
    ("wakeCommitWhenPutMessage", FIXED),
    ("wakeFlushWhenPutMessage", FIXED),
    ("enableCleanExpiredOffset", FIXED),
    ("maxAsyncPutMessageRequests", FIXED),
    ("pullBatchMaxMessageCount", FIXED),
    ("maxChecksumRange", FIXED),
    ("replicasPerDiskPartition", FIXED),
    ("logicalDiskSpaceCleanForciblyThreshold", FIXED),
    ("maxConsumeQueueScan", FIXED),
    ("sampleCountThreshold", COLD_READ),
    ("coldDataFlowControlEnable", COLD_READ),
    ("coldDataScanEnable", COLD_READ),
    ("dataReadAheadEnable", FIXED),
    ("sampleSteps", COLD_READ),
    ("accessMessageInMemoryHotRatio", COLD_READ),
    ("enableBuildConsumeQueueConcurrently", FIXED),
    ("batchDispatchRequestThreadPoolNums", TOKIO_POOLS),
    ("cleanRocksDBDirtyCQIntervalMin", ROCKSDB),
    ("statRocksDBCQIntervalSec", ROCKSDB),
    ("memTableFlushIntervalMs", ROCKSDB),
    ("realTimePersistRocksDBConfig", ROCKSDB),
    ("enableRocksDBLog", ROCKSDB),
    ("topicQueueLockNum", FIXED),
    ("putConsumeQueueDataByFileChannel", FIXED),
    ("rocksdbCQDoubleWriteEnable", ROCKSDB),
    ("bottomMostCompressionTypeForConsumeQueueStore", ROCKSDB),
    ("rocksdbCompressionType", ROCKSDB),
    ("rocksdbFlushWalFrequency", ROCKSDB),
    ("rocksdbWalFileRollingThreshold", ROCKSDB),
    ("spinLockCollisionRetreatOptimalDegree", FIXED),
    ("useABSLock", FIXED),
];

/// `NettyServerConfig` keys the broker does not read besides the common ones: it drains
/// for a fixed time on shutdown.
pub const BROKER_NETTY_SERVER_CONFIG: &[NotImplementedKey] = &[
    (
        "enableShutdownGracefully",
        "the broker drains requests for a fixed 3 s on shutdown",
    ),
    (
        "shutdownWaitTimeSeconds",
        "the broker drains requests for a fixed 3 s on shutdown",
    ),
];

/// Keys whose value rmq keeps whatever a file or UPDATE_BROKER_CONFIG says, because the
/// feature they switch on does not exist: getBrokerConfig must not claim it is on. (None at
/// present: `timerWheelEnable` was one until the timer wheel came.)
pub const PINNED: &[(&str, &str)] = &[];

/// Returns one warning line per key of `props` (a broker.conf) that the broker parses but
/// does not act on.
pub fn warnings(props: &Properties) -> Vec<String> {
    let aliases: Vec<(&str, &str)> = crate::broker_config::BROKER_CONFIG_ALIASES
        .iter()
        .chain(rmq_remoting::NETTY_CLIENT_CONFIG_ALIASES)
        .chain(rmq_store::config::MESSAGE_STORE_CONFIG_ALIASES)
        .copied()
        .collect();
    remoting::warnings(
        props.keys(),
        &[
            BROKER_CONFIG,
            AUTH_CONFIG,
            MESSAGE_STORE_CONFIG,
            remoting::NETTY_SERVER_CONFIG,
            BROKER_NETTY_SERVER_CONFIG,
            remoting::NETTY_CLIENT_CONFIG,
        ],
        &aliases,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmq_remoting::not_implemented_keys::table_problems;

    #[test]
    fn every_listed_key_exists() {
        // Key presence only: each config's own defaults suffice.
        let broker_config = crate::broker_config::BrokerConfig::default();
        let message_store_config = rmq_store::MessageStoreConfig::default();
        let netty_server_config = rmq_remoting::NettyServerConfig::default();
        assert_eq!(
            table_problems(BROKER_CONFIG, &broker_config),
            Vec::<String>::new()
        );
        assert_eq!(
            table_problems(AUTH_CONFIG, &crate::broker_config::AuthConfig::default()),
            Vec::<String>::new()
        );
        assert_eq!(
            table_problems(MESSAGE_STORE_CONFIG, &message_store_config),
            Vec::<String>::new()
        );
        assert_eq!(
            table_problems(BROKER_NETTY_SERVER_CONFIG, &netty_server_config),
            Vec::<String>::new()
        );
    }

    #[test]
    fn warns_once_per_listed_key_a_file_sets() {
        let props = rmq_common::properties::parse(
            "brokerName=b\naclEnable=true\ntimerWarmEnable=true\ninBrokerContainer=false\n\
             listenPort=10911\nserverWorkerThreads=4\nnoSuchKey=1\n",
        );
        let w = warnings(&props);
        let keys: Vec<&str> = w
            .iter()
            .map(|l| l.split(' ').nth(2).unwrap_or_default())
            .collect();
        // Properties iterate sorted.
        assert_eq!(
            keys,
            vec![
                "aclEnable",
                "inBrokerContainer",
                "serverWorkerThreads",
                "timerWarmEnable"
            ]
        );
        assert!(w[0].ends_with(
            "is parsed but not implemented by rmq yet (no ACL 1.0 (Java 5.3 reads it no more either): ACL 2.0 is authenticationEnabled/authorizationEnabled)"
        ));
    }
}

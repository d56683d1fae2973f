package rmq.interop;

/**
 * Chooses which of RocketMQ's bundled logback configurations a harness process uses.
 * All of them are on the class path (broker, namesrv, tools, client jars), and without
 * this the first one found (the broker's) would be used by every process. The files
 * write under {@code ${user.home}/logs/rocketmqlogs}; run.sh points user.home at a
 * temporary directory. Must run before the first RocketMQ class that logs is loaded.
 */
final class Logging {
    static final String PROPERTY = "rmq.logback.configurationFile";

    private Logging() {
    }

    /** Shaded logback's status listener key; a listener stops it dumping its own status on warnings. */
    static final String STATUS_LISTENER = "logback.statusListenerClass";

    static void use(String resource) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, resource);
        }
        if (System.getProperty(STATUS_LISTENER) == null) {
            // rmq.broker.logback.xml uses a deprecated element; without this every broker start
            // prints ~200 lines of logback status.
            System.setProperty(STATUS_LISTENER, "org.apache.rocketmq.logging.ch.qos.logback.core.status.NopStatusListener");
        }
    }

    static void quietClientLogs() {
        use("rmq.client.logback.xml");
    }
}

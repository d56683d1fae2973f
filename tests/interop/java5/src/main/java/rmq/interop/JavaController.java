package rmq.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.rocketmq.controller.ControllerManager;
import org.apache.rocketmq.controller.ControllerStartup;

/**
 * Runs the real Apache RocketMQ controller (DLedger, from the Maven artifacts) in this JVM,
 * as {@code mqcontroller -c FILE} does, for tests/interop/controller.sh's Java control run.
 *
 * <pre>
 *   JavaController CONFIG_FILE
 * </pre>
 *
 * ControllerStartup prints "The Controller Server boot success" once started; this runs until
 * killed.
 */
public final class JavaController {
    private JavaController() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: JavaController CONFIG_FILE");
            System.exit(2);
        }
        Logging.use("rmq.broker.logback.xml");
        Path work = Files.createTempDirectory("rmq-interop-controller-");
        JavaNamesrv.ensureHome(work);
        ControllerManager manager = ControllerStartup.main0(new String[] {"-c", args[0]});
        if (manager == null) {
            System.exit(1);
        }
        System.out.flush();
        Thread.currentThread().join();
    }
}

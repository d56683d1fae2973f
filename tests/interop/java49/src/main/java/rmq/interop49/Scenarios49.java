package rmq.interop49;

import rmq.interop.common.Opts;
import rmq.interop.common.ProduceConsume;

/**
 * The 4.9.x client checks. Same contract as rmq.interop.Scenarios (5.x project):
 * exit 0 on success, 1 with "FAIL &lt;subcommand&gt;: ..." on a failed check, 2 on bad usage.
 *
 * <pre>
 *   Scenarios49 produce-consume -n NAMESRV -t TOPIC [-c COUNT]
 * </pre>
 */
public final class Scenarios49 {
    private Scenarios49() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || !args[0].equals("produce-consume")) {
            System.out.println("usage: Scenarios49 " + ProduceConsume.USAGE);
            System.exit(2);
        }
        int rc;
        try {
            rc = ProduceConsume.run(Opts.parse(args, 1));
        } catch (Opts.UsageException e) {
            System.out.println("usage error: " + e.getMessage());
            System.out.println("usage: Scenarios49 " + ProduceConsume.USAGE);
            rc = 2;
        } catch (Opts.CheckFailed e) {
            System.out.println("FAIL " + args[0] + ": " + e.getMessage());
            rc = 1;
        } catch (Throwable e) {
            System.out.println("FAIL " + args[0] + ": unexpected " + e);
            e.printStackTrace(System.out);
            rc = 1;
        }
        System.out.flush();
        System.exit(rc);
    }
}

package rmq.interop.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal command-line options: {@code -x value}, {@code --long value}, {@code --flag}
 * (a flag is an option followed by another option or by nothing) and positional arguments.
 * Shared by the 5.x and 4.9.x harness projects (added to both as a source root).
 */
public final class Opts {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    public static Opts parse(String[] args, int from) {
        Opts o = new Opts();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-") && a.length() > 1 && !isNumber(a)) {
                String key = a.replaceFirst("^--?", "");
                if (i + 1 < args.length && !(args[i + 1].startsWith("-") && !isNumber(args[i + 1]))) {
                    o.values.put(key, args[++i]);
                } else {
                    o.values.put(key, "true");
                }
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    private static boolean isNumber(String s) {
        return s.matches("-?\\d+");
    }

    public String get(String key, String def) {
        return values.getOrDefault(key, def);
    }

    public String require(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new UsageException("missing required option " + (key.length() == 1 ? "-" : "--") + key);
        }
        return v;
    }

    public int getInt(String key, int def) {
        String v = values.get(key);
        return v == null ? def : Integer.parseInt(v);
    }

    public long getLong(String key, long def) {
        String v = values.get(key);
        return v == null ? def : Long.parseLong(v);
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public List<String> positional() {
        return positional;
    }

    /** Wrong command line; callers print usage and exit 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String msg) {
            super(msg);
        }
    }

    /** A check failed; callers print the message and exit 1. */
    public static final class CheckFailed extends RuntimeException {
        public CheckFailed(String msg) {
            super(msg);
        }
    }
}

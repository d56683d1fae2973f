package rmq.interop.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random SQL92 selectors for differential tests of rmq-filter against Java: two thirds are
 * built from the grammar (a tenth of those cut at a random point), one third is a soup of
 * tokens, comments, blanks and characters the lexer refuses.
 */
final class RandomSelectors {
    private RandomSelectors() {
    }

    private static final String[] TOKENS = {
        "a", "b", "c", "TAGS", "5", "0", "10", "3000000000", "1.5", "0.5", "1e2", "-", "+", "'x'",
        "'abc'", "''", "'it''s'", "TRUE", "FALSE", "NULL", "NOT", "AND", "OR", "IS", "IN", "BETWEEN",
        "CONTAINS", "STARTSWITH", "ENDSWITH", "(", ")", ",", "=", "<>", ">", ">=", "<", "<=", "5L",
        "99999999999999999999", ".5", "1.", "'5'", "' 5'", "/* c */", "--x\n", "\t", "\n",
    };
    private static final String[] ODD = {
        "\"", "!", "#", "\u00e9", ".", "/", "'", "0x1", "007", "1e", "$x", "_y", "a1",
    };
    private static final String[] LEAVES = {
        "a", "b", "c", "TAGS", "5", "-3", "1.5", "'x'", "'5'", "TRUE", "FALSE", "NULL",
        "3000000000", "0.5",
    };
    private static final String[] OPERANDS = {
        "5", "-3", "1.5", "0.5", "3000000000", "'x'", "'5'", "TRUE", "b", "a", "-2147483648", "1e2",
    };
    private static final String[] OPS = {"=", "<>", ">", ">=", "<", "<="};

    static List<String> generate(int count, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (i % 3 == 0) {
                int n = 1 + r.nextInt(8);
                boolean odd = r.nextDouble() < 0.2;
                StringBuilder sb = new StringBuilder();
                boolean spaced = r.nextDouble() < 0.8;
                for (int j = 0; j < n; j++) {
                    if (j > 0 && spaced) {
                        sb.append(' ');
                    }
                    int k = r.nextInt(TOKENS.length + (odd ? ODD.length : 0));
                    sb.append(k < TOKENS.length ? TOKENS[k] : ODD[k - TOKENS.length]);
                }
                out.add(sb.toString());
            } else {
                String e = expr(r, 0);
                if (r.nextDouble() < 0.1) {
                    e = e.substring(0, r.nextInt(e.length() + 1));
                }
                out.add(e);
            }
        }
        return out;
    }

    private static String pick(Random r, String[] choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static String expr(Random r, int depth) {
        double x = r.nextDouble();
        if (depth > 3 || x < 0.3) {
            return pick(r, LEAVES);
        }
        if (x < 0.55) {
            String op = pick(r, OPS);
            if (r.nextDouble() < 0.7) {
                return pick(r, new String[] {"a", "b", "c", "TAGS", "-a"}) + " " + op + " " + pick(r, OPERANDS);
            }
            return expr(r, depth + 1) + " " + op + " " + expr(r, depth + 1);
        }
        if (x < 0.7) {
            return expr(r, depth + 1) + (r.nextBoolean() ? " AND " : " OR ") + expr(r, depth + 1);
        }
        if (x < 0.75) {
            return "NOT " + expr(r, depth + 1);
        }
        if (x < 0.8) {
            return "(" + expr(r, depth + 1) + ")";
        }
        if (x < 0.85) {
            return expr(r, depth + 1) + (r.nextBoolean() ? " IS NULL" : " IS NOT NULL");
        }
        if (x < 0.9) {
            StringBuilder sb = new StringBuilder(expr(r, depth + 1));
            sb.append(r.nextBoolean() ? " IN (" : " NOT IN (");
            int n = 1 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ", ").append(pick(r, new String[] {"'x'", "'5'", "'abc'", "'TagA'", "''"}));
            }
            return sb.append(')').toString();
        }
        if (x < 0.95) {
            return expr(r, depth + 1) + (r.nextBoolean() ? " BETWEEN " : " NOT BETWEEN ") + expr(r, depth + 2)
                + " AND " + expr(r, depth + 2);
        }
        return expr(r, depth + 1) + pick(r, new String[] {" CONTAINS ", " NOT STARTSWITH ", " ENDSWITH "})
            + pick(r, new String[] {"'x'", "''", "'ab'", "5"});
    }
}

package rmq.interop.filter;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.filter.expression.EvaluationContext;
import org.apache.rocketmq.filter.expression.Expression;
import org.apache.rocketmq.filter.expression.MQFilterException;
import org.apache.rocketmq.filter.parser.SelectorParser;

/**
 * Expected results of SQL92 selectors, computed by Java's own {@code SelectorParser} and
 * expressions (rocketmq-filter 5.3.3), for rmq-filter's test vectors.
 *
 * <pre>
 *   FilterVectors [--exprs FILE | --random COUNT SEED] &gt; crates/rmq-filter/tests/sql92_vectors.jsonl
 * </pre>
 *
 * Output, JSON lines (ASCII, other characters as \\uXXXX):
 * <ul>
 *   <li>first line: {@code {"contexts":[{"a":"1"},...]}}, the property maps messages carry;</li>
 *   <li>then one line per expression: {@code {"expr":"...","tree":"...","results":"TFN..."}}
 *   where {@code tree} is the compiled expression's {@code toString()} and {@code results} has
 *   one letter per context: T (TRUE), F (FALSE), N (null), E (evaluation threw), O (another
 *   value); or {@code {"expr":"...","error":"..."}} with {@code MQFilterException#getMessage()}
 *   (the broker's remark of SUBSCRIPTION_PARSE_FAILED) when it does not compile.</li>
 * </ul>
 * With {@code --exprs FILE} (a JSON array of strings) the expressions come from the file; with
 * {@code --random COUNT SEED} they are COUNT random ones ({@link RandomSelectors}), mostly
 * well-formed, some cut short, some token soup.
 */
public final class FilterVectors {
    private FilterVectors() {
    }

    private static final String[][] CONTEXTS = {
        {},
        {"a", "1"},
        {"a", "5"},
        {"a", "10"},
        {"a", "-3"},
        {"a", "3.5"},
        {"a", "abc"},
        {"a", ""},
        {"a", "true"},
        {"a", "TRUE"},
        {"a", " 5"},
        {"a", "5 "},
        {"a", "1e3"},
        {"a", "NaN"},
        {"a", "Infinity"},
        {"a", "3000000000"},
        {"a", "9223372036854775808"},
        {"a", "+5"},
        {"a", "\u0663"},
        {"a", "5.0"},
        {"a", "0x10"},
        {"a", "-0.0"},
        {"a", "5", "b", "5"},
        {"a", "5", "b", "5.0"},
        {"a", "x", "b", "y"},
        {"b", "hello world"},
        {"TAGS", "TagA", "a", "12", "b", "x"},
        {"TAGS", "TagB", "a", "15"},
        {"a", "'quoted'", "b", "it's"},
        {"a", "x", "b", "x"},
        {"a", "10", "b", "abc", "c", "true"},
        {"a", "5d"},
        {"a", "-2147483648"},
        {"a", "0.5"},
        {"a", "0x1p3"},
        {"a", "\uFF15"},
        {"a", "1.5f", "b", "-1"},
        {"a", "hello", "b", "hello world"},
    };

    /** Expressions: valid ones of every operator and type mix, and invalid ones of every kind. */
    private static final String[] EXPRESSIONS = {
        // comparisons with numbers
        "a = 5", "a <> 5", "a > 5", "a >= 5", "a < 5", "a <= 5",
        "a = 5.0", "a <> 5.0", "a > 5.0", "a >= 5.0", "a < 5.0", "a <= 5.0",
        "a > 4.9", "a < 5.1", "a > 0.5", "a = 0.5", "a > 1e2", "a >= 1.5E1", "a < .6",
        "a = 3000000000", "a > 3000000000", "a < 3000000000", "a > 2147483647", "a = 2147483648",
        "a > 5L", "a = 10l", "a > -5", "a < -2", "a = -3", "a > -3.5", "a = -2147483648",
        "a > - - 5", "a > +5", "a = + 5", "a > -a", "-a < 0", "- a = 3",
        "5 < a", "5 = a", "5.0 = a", "10 > a", "3000000000 > a", "-5 < a", "5 <> a",
        "a = 1 AND a = 1", "a = 0", "a > 0", "a >= 0", "a < 1", "a = 01",
        "a = 9223372036854775807", "a > 9223372036854775807", "a < 9223372036854775807",
        // comparisons with strings
        "a = 'abc'", "a <> 'abc'", "a = ''", "a <> ''", "a = '5'", "a = ' 5'", "a = 'true'",
        "'abc' = a", "'5' = a", "a = 'it''s'", "b = 'it''s'", "a = '''quoted'''", "a = 'x'",
        "a = 'ABC'", "b = 'hello world'", "a = '\u0663'",
        // comparisons with booleans and null
        "a = TRUE", "a = FALSE", "a <> TRUE", "TRUE = a", "FALSE <> a", "c = TRUE", "a = true",
        "TRUE = TRUE", "TRUE = FALSE", "TRUE <> FALSE", "FALSE = FALSE", "NULL = NULL",
        "TRUE = NULL", "a = NULL", "NULL = a", "a <> NULL", "TRUE = 5", "5 = TRUE", "'x' = TRUE",
        "TRUE = 'x'", "(a = 5) = TRUE", "(a = 5) = 'true'", "(a = 5) = 1", "(a = 5) <> FALSE",
        "TRUE", "FALSE", "NULL", "NOT TRUE", "NOT FALSE", "NOT NULL", "TRUE AND NULL",
        "FALSE AND NULL", "TRUE OR NULL", "FALSE OR NULL", "NULL OR NULL", "NULL AND NULL",
        // property against property
        "a = b", "a <> b", "a > b", "a >= b", "a < b", "a <= b", "b = a", "a = a", "a > a",
        "c = TRUE AND a > b", "a = c",
        // constants only
        "1 = 1", "1 = 1.0", "1 = 2", "1 < 2", "2.5 > 1", "3000000000 > 1", "1 < 3000000000",
        "'a' = 'a'", "'a' = 'b'", "'a' <> 'b'", "1 = '1'", "'1' = 1", "'1.0' = 1", "'x' = 1",
        "1.0 = '1'", "- 5 = -5", "-(-5) = 5", "1 = 1 = TRUE", "1 = 2 = FALSE",
        // IS NULL
        "a IS NULL", "a IS NOT NULL", "b IS NULL", "b IS NOT NULL", "TAGS IS NULL",
        "a IS NULL OR a = 5", "a IS NOT NULL AND a = 5", "a is null", "a Is Not Null",
        "5 IS NULL", "NULL IS NULL", "'x' IS NOT NULL", "(a = 5) IS NULL", "a IS NULL IS NULL",
        "-a IS NULL",
        // IN
        "a IN ('abc')", "a IN ('abc', 'x')", "a NOT IN ('abc', 'x')", "a IN ('1', '5', '10')",
        "a IN ('a', 'b', 'c', 'x', 'abc')", "a NOT IN ('a', 'b', 'c', 'x', 'abc')",
        "a IN ('x', 'x', 'x')", "a in ('5')", "a nOt In ('5')", "TAGS IN ('TagA', 'TagB')",
        "TAGS NOT IN ('TagA')", "b IN ('it''s')", "a IN ('')", "a IN ('5', '5.0', ' 5')",
        "NOT a IN ('5')", "NOT (a IN ('5'))", "a IN ('5') = TRUE", "a IN ('x') AND b IN ('y')",
        "a IN (5)", "a IN ('5', 6)", "5 IN ('5')", "'5' IN ('5')", "a IN ()", "a IN ('x',)",
        "a IN 'x'", "a IN ('x' 'y')", "(a) IN ('x')", "a NOT IN 'x'",
        "a IN ('p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z')",
        "a IN ('TagA', 'TagB', 'TagC', 'TagD', 'TagE') > 1",
        // BETWEEN
        "a BETWEEN 1 AND 5", "a BETWEEN 5 AND 10", "a NOT BETWEEN 1 AND 5",
        "a NOT BETWEEN 5 AND 10", "a BETWEEN 1.5 AND 5.5", "a BETWEEN -5 AND 5",
        "a BETWEEN 1 AND 3000000000", "a between 1 and 5", "a BETWEEN 5 AND 5",
        "a BETWEEN 5 AND 1", "a NOT BETWEEN 5 AND 1", "a BETWEEN 5.5 AND 1",
        "a BETWEEN 1 AND 5.5", "a BETWEEN 2 AND 1.5", "a BETWEEN 'a' AND 'z'",
        "a BETWEEN 'z' AND 'a'", "a BETWEEN 1 AND 'z'", "a BETWEEN 'z' AND 1",
        "a BETWEEN NULL AND 5", "a BETWEEN 1 AND NULL", "a BETWEEN TRUE AND FALSE",
        "a BETWEEN FALSE AND TRUE", "a BETWEEN 1 AND TRUE", "a BETWEEN TRUE AND 1",
        "a BETWEEN TRUE AND 'true'", "a BETWEEN 1 AND b", "a BETWEEN b AND 10",
        "a BETWEEN -a AND 10", "5 BETWEEN 1 AND 10", "a BETWEEN 1 AND 5 AND b = 'y'",
        "a BETWEEN 1 AND 5 OR a BETWEEN 10 AND 20", "a BETWEEN 10 AND 19 AND TAGS = 'TagA'",
        "NOT a BETWEEN 1 AND 5", "a BETWEEN 1", "a BETWEEN 1 OR 5", "a NOT BETWEEN 1",
        "a BETWEEN (1) AND (5)", "a BETWEEN 1 AND 5 = TRUE",
        // CONTAINS / STARTSWITH / ENDSWITH
        "b CONTAINS 'world'", "b NOT CONTAINS 'world'", "b STARTSWITH 'hello'",
        "b NOT STARTSWITH 'hello'", "b ENDSWITH 'world'", "b NOT ENDSWITH 'world'",
        "b CONTAINS ''", "b NOT CONTAINS ''", "a CONTAINS 'b'", "a NOT CONTAINS 'b'",
        "a contains 'x'", "a StartsWith 'a'", "a ENDSWITH 'c'", "TAGS STARTSWITH 'Tag'",
        "TAGS ENDSWITH 'A'", "'abc' CONTAINS 'b'", "5 CONTAINS '5'", "(a) CONTAINS 'a'",
        "a CONTAINS 5", "a CONTAINS b", "a CONTAINS", "NOT b CONTAINS 'hello'",
        "b CONTAINS 'hello' AND b ENDSWITH 'world'", "a CONTAINS 'x' CONTAINS 'y'",
        "a CONTAINS 'it''s'", "b CONTAINS 'it''s'", "a CONTAINS 'x' = TRUE",
        // logic and precedence
        "a = 5 AND b = 5", "a = 5 OR b = 5", "a = 5 AND b = '5.0'", "a = 1 OR b = 'x'",
        "NOT a = 5", "NOT (a = 5)", "NOT NOT a = 5", "NOT (NOT (a = 5))", "NOT a",
        "a = 5 OR b = 5 AND a = 1", "(a = 5 OR b = 5) AND a = 1", "a = 5 AND NOT b = 5",
        "a = 5 AND NOT (b = 5)", "a > 1 AND a < 20 AND a <> 10", "a > 1 AND (a < 20 OR b IS NULL)",
        "a", "a AND b", "a OR TRUE", "a AND TRUE", "(a)", "((a = 5))", "a = 5 and b = 5",
        "a = 5 Or b = 5", "a = 5 AND (b = 5)", "(a = 5 OR a = 10) AND (b IS NULL OR b = 'abc')",
        "a = 5 OR a = 5.0 OR a = '5'", "a > 3 OR a < 3", "a > 3 AND a < 3",
        "NOT (a > 3) OR NOT (a < 3)", "(a > 3) = (a < 20)", "TAGS = 'TagA' AND a > 10",
        "TAGS = 'TagA' OR TAGS = 'TagB'", "TAGS <> 'TagA'", "tags = 'TagA'",
        "a > 1 AND 5", "5 AND a > 1", "5 OR TRUE", "'x' OR TRUE", "NOT 5", "NOT 'x'",
        "-(a = 5)", "-TRUE = 1", "NOT -a", "(a = 5) > 1", "1 < 2 < 3", "a > 1 > 0",
        "a = 5 AND", "a = 5 OR", "AND a = 5", "a = 5 AND AND b = 1", "a = 5 OR OR b = 1",
        "NOT", "NOT NOT", "(a = 5", "a = 5)", "(a = 5))", "((a = 5)", "()", "(", ")",
        // literals and lexical forms
        "a = 99999999999999999999", "a > 1e400", "a > 0.0", "a > 1e-400", "a > 0e0",
        "a = 0x10", "a = 010", "a = 00", "a = 1.", "a = .5", "a > 1.e1", "a = 1e", "a = 1.5e",
        "a = 1ee5", "a = 1.2.3", "a = 5LL", "a = 0L", "a = 7l", "a > 1E+2", "a > 1e-2",
        "a > 1.5F", "a > 2d", "$a IS NULL", "_a IS NULL", "a1 IS NULL", "a_b$ IS NULL",
        "a.b = 1", "a-b = 1", "1a = 1", "a = 'x", "a = \"x\"", "a = 'x'y'", "a == 5",
        "a != 5", "a =! 5", "a >< 5", "a => 5", "a =< 5", "a ! 5", "a = 5;", "a = 5 #",
        "a = @", "\u00e9 = 1", "a = '\u00e9'", "a = '\ud83d\ude00'", "a = 5 \u00e9",
        "a = 5 'x'", "a = 5 b", "a = 5 5", "a = 5 AND b", "a = 5 -- comment",
        "a = 5 -- comment\n", "-- comment\na = 5", "/* c */ a = 5", "a /* c */ = 5",
        "a = 5 /* c", "a = /* c */ 5", "/**/a = 5", "/* ** */ a = 5", "/*/ a = 5", "/ a = 5",
        "a = 5 /", ".", "a = .", "a = .x", "'", "''", "'x'", "5", "5.5", "-5", "'it''s'",
        "a = ''''", "a = 'x''", "a = 5 ''", "a = 5 '",
        "", " ", "\t", "\n", "a", "a =", "a = ", "a = \n", "= 5", "a 5", "a 'x'", "a b",
        "a = 5\n AND b", "a = 5\n\tAND\n\tb = ", "a\n=\n\n", "\n\n\ta = = 5", "a = 5\r\nAND b =",
        "a = 5\rAND b =", "\ta\t=\t=", "a IS", "a IS NOT", "a IS 5", "a IS NOT 5", "a IS TRUE",
        "a NOT", "a NOT x", "a NOT NULL", "a NOT IN", "a NOT IN (", "a NOT IN ('x'",
        "a NOT BETWEEN", "a NOT BETWEEN 1 AND", "a NOT CONTAINS", "a NOT CONTAINS x",
        "a STARTSWITH", "a ENDSWITH 5", "a IN", "a IN (", "a IN ('x'", "a IN ('x',",
        "a BETWEEN", "a BETWEEN AND 5", "a BETWEEN 1 AND", "+", "-", "+ (a = )", "+ 5 = a",
        "++a = 1", "+ + + a IS NULL", "+a", "+TRUE", "+ 'x' = a", "+ (a = 5)", "-(a)",
        "+(a = 5) AND + (b = 5)", "a > +", "a > -", "a = +(", "+ ( + (", "NOT + (a = 5)",
        "a + 1 = 2", "a * 2 = 10", "a = 5 + 1", "a LIKE 'x%'", "a IS NOT NULL NULL",
        "TRUE TRUE", "NULL NULL", "a IN ('x') IN ('y')", "a BETWEEN 1 AND 5 BETWEEN 1 AND 2",
        "((((((((((a = 5))))))))))", "NOT NOT NOT NOT NOT NOT a = 5",
        "- - - - - - - - a = 5", "+ + + + + + + + a = 5",
    };

    public static void main(String[] args) throws Exception {
        List<String> exprs = new ArrayList<>();
        if (args.length == 2 && args[0].equals("--exprs")) {
            Object parsed = rmq.interop.Json.parse(
                new String(Files.readAllBytes(Paths.get(args[1])), StandardCharsets.UTF_8));
            for (Object o : (List<?>) parsed) {
                exprs.add((String) o);
            }
        } else if (args.length == 3 && args[0].equals("--random")) {
            exprs.addAll(RandomSelectors.generate(Integer.parseInt(args[1]), Long.parseLong(args[2])));
        } else if (args.length == 0) {
            exprs.addAll(java.util.Arrays.asList(EXPRESSIONS));
        } else {
            System.err.println("usage: FilterVectors [--exprs FILE | --random COUNT SEED]");
            System.exit(2);
        }
        List<Map<String, String>> contexts = new ArrayList<>();
        for (String[] kv : CONTEXTS) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < kv.length; i += 2) {
                m.put(kv[i], kv[i + 1]);
            }
            contexts.add(m);
        }
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        StringBuilder head = new StringBuilder("{\"contexts\":[");
        for (int i = 0; i < contexts.size(); i++) {
            head.append(i == 0 ? "" : ",").append('{');
            int j = 0;
            for (Map.Entry<String, String> e : contexts.get(i).entrySet()) {
                head.append(j++ == 0 ? "" : ",").append(ascii(e.getKey())).append(':')
                    .append(ascii(e.getValue()));
            }
            head.append('}');
        }
        out.println(head.append("]}"));
        for (String expr : exprs) {
            Expression compiled;
            try {
                compiled = SelectorParser.parse(expr);
            } catch (MQFilterException e) {
                out.println("{\"expr\":" + ascii(expr) + ",\"error\":" + ascii(e.getMessage()) + "}");
                continue;
            }
            StringBuilder results = new StringBuilder();
            for (Map<String, String> props : contexts) {
                results.append(evaluate(compiled, props));
            }
            out.println("{\"expr\":" + ascii(expr) + ",\"tree\":" + ascii(String.valueOf(compiled))
                + ",\"results\":\"" + results + "\"}");
        }
        out.flush();
    }

    private static char evaluate(Expression compiled, Map<String, String> props) {
        EvaluationContext context = new EvaluationContext() {
            @Override
            public Object get(String name) {
                return props.get(name);
            }

            @Override
            public Map<String, Object> keyValues() {
                return new LinkedHashMap<>(props);
            }
        };
        Object r;
        try {
            r = compiled.evaluate(context);
        } catch (Throwable t) {
            return 'E';
        }
        if (r == null) {
            return 'N';
        }
        if (r instanceof Boolean) {
            return (Boolean) r ? 'T' : 'F';
        }
        return 'O';
    }

    /** A JSON string in ASCII: quote, backslash and non-printable or non-ASCII as escapes. */
    static String ascii(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}

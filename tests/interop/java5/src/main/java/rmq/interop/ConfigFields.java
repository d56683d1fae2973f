package rmq.interop;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes tests/interop/config_fields_5.3.3.tsv: every key of the server config classes as Java
 * prints it (MixAll.object2Properties / printObjectProperties: non-static declared fields, in
 * declaration order, the class first and then its superclasses) and as Java reads it
 * (MixAll.properties2Object: setter names). Lines: {@code class<TAB>declaring class<TAB>field
 * <TAB>setter key or "-"}.
 *
 * <pre>java -cp "$CP" rmq.interop.ConfigFields ../config_fields_5.3.3.tsv</pre>
 */
public final class ConfigFields {
    private static final String[] CLASSES = {
        "org.apache.rocketmq.common.BrokerConfig",
        "org.apache.rocketmq.store.config.MessageStoreConfig",
        "org.apache.rocketmq.remoting.netty.NettyServerConfig",
        "org.apache.rocketmq.remoting.netty.NettyClientConfig",
        "org.apache.rocketmq.common.namesrv.NamesrvConfig",
    };

    public static void main(String[] args) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String name : CLASSES) {
            Class<?> c = Class.forName(name, false, ConfigFields.class.getClassLoader());
            List<String> setterKeys = new ArrayList<>();
            for (Method m : c.getMethods()) {
                String mn = m.getName();
                if (mn.startsWith("set") && mn.length() > 3 && m.getParameterCount() == 1) {
                    setterKeys.add(mn.substring(3, 4).toLowerCase() + mn.substring(4));
                }
            }
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getName().startsWith("this")) {
                        continue;
                    }
                    String field = f.getName();
                    String setter = "-";
                    if (setterKeys.contains(field)) {
                        setter = field;
                    } else if (field.startsWith("is") && field.length() > 2) {
                        String stripped = field.substring(2, 3).toLowerCase() + field.substring(3);
                        if (setterKeys.contains(stripped)) {
                            setter = stripped;
                        }
                    }
                    out.append(c.getSimpleName()).append('\t').append(k.getSimpleName())
                        .append('\t').append(field).append('\t').append(setter).append('\n');
                }
            }
        }
        if (args.length > 0) {
            Files.write(Path.of(args[0]), out.toString().getBytes(StandardCharsets.UTF_8));
        } else {
            new PrintStream(System.out, true, "UTF-8").print(out);
        }
    }
}

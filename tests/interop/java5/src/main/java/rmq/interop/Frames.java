package rmq.interop;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.rocketmq.remoting.netty.NettyDecoder;
import org.apache.rocketmq.remoting.netty.NettyEncoder;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Wire-level helpers that go through Java's own Netty pipeline handlers, so the
 * bytes are exactly what a Java peer sends ({@link NettyEncoder}) and the
 * decoding is exactly what a Java peer does ({@link NettyDecoder}: a
 * LengthFieldBasedFrameDecoder that strips the 4-byte length, then
 * {@code RemotingCommand.decode}).
 */
public final class Frames {
    private Frames() {
    }

    /** The complete frame (leading 4-byte length included) as NettyEncoder writes it. */
    public static byte[] wireEncode(RemotingCommand cmd) {
        EmbeddedChannel ch = new EmbeddedChannel(new NettyEncoder());
        try {
            if (!ch.writeOutbound(cmd)) {
                throw new IllegalStateException("NettyEncoder produced no output");
            }
            ByteBuf out = ch.readOutbound();
            try {
                byte[] b = new byte[out.readableBytes()];
                out.readBytes(b);
                if (ch.readOutbound() != null) {
                    throw new IllegalStateException("NettyEncoder produced more than one buffer");
                }
                return b;
            } finally {
                out.release();
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /**
     * Decodes one complete frame as a Java peer would. Throws with a readable
     * reason when the bytes are not exactly one well-formed frame.
     */
    public static RemotingCommand wireDecode(byte[] frame) {
        if (frame.length < 8) {
            throw new IllegalArgumentException("frame shorter than 8 bytes (" + frame.length + ")");
        }
        int declared = ((frame[0] & 0xff) << 24) | ((frame[1] & 0xff) << 16) | ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
        if (declared != frame.length - 4) {
            throw new IllegalArgumentException("length field says " + declared + " but " + (frame.length - 4)
                + " bytes follow it");
        }
        EmbeddedChannel ch = new EmbeddedChannel(new NettyDecoder());
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(frame));
            Object msg = ch.readInbound();
            if (msg == null) {
                // NettyDecoder logs the exception and closes the channel instead of throwing;
                // repeat its decode step directly to report why.
                String why;
                try {
                    RemotingCommand.decode(Unpooled.wrappedBuffer(frame, 4, frame.length - 4));
                    why = "no exception when decoding directly";
                } catch (Throwable t) {
                    why = t.toString();
                }
                throw new IllegalArgumentException("NettyDecoder rejected the frame (channel "
                    + (ch.isOpen() ? "open" : "closed") + "): " + why);
            }
            if (ch.readInbound() != null) {
                throw new IllegalArgumentException("frame decoded to more than one command");
            }
            return (RemotingCommand) msg;
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** The decoder-visible content of a command; the unit of comparison of golden files. */
    public static final class Fields {
        public int code;
        public String language;
        public int version;
        public int opaque;
        public int flag;
        public String remark;
        /** null = no extFields; values may be null (ROCKETMQ decodes an empty value as null). */
        public TreeMap<String, String> extFields;
        public String bodyHex = "";

        public static Fields of(RemotingCommand cmd) {
            Fields f = new Fields();
            f.code = cmd.getCode();
            f.language = cmd.getLanguage() == null ? null : cmd.getLanguage().name();
            f.version = cmd.getVersion();
            f.opaque = cmd.getOpaque();
            f.flag = cmd.getFlag();
            f.remark = cmd.getRemark();
            if (cmd.getExtFields() != null) {
                f.extFields = new TreeMap<>();
                for (Map.Entry<String, String> e : cmd.getExtFields().entrySet()) {
                    if (e.getKey() == null) {
                        throw new IllegalStateException("decoded extFields contains a null key");
                    }
                    f.extFields.put(e.getKey(), e.getValue());
                }
            }
            f.bodyHex = cmd.getBody() == null ? "" : hex(cmd.getBody());
            return f;
        }

        @SuppressWarnings("unchecked")
        public static Fields fromJson(String text) {
            Object parsed = Json.parse(text);
            if (!(parsed instanceof Map)) {
                throw new IllegalArgumentException("fields file is not a JSON object");
            }
            Map<String, Object> m = (Map<String, Object>) parsed;
            Fields f = new Fields();
            f.code = intMember(m, "code");
            f.language = (String) m.get("language");
            f.version = intMember(m, "version");
            f.opaque = intMember(m, "opaque");
            f.flag = intMember(m, "flag");
            f.remark = (String) m.get("remark");
            Object ext = m.get("extFields");
            if (ext != null) {
                f.extFields = new TreeMap<>();
                for (Map.Entry<String, Object> e : ((Map<String, Object>) ext).entrySet()) {
                    f.extFields.put(e.getKey(), (String) e.getValue());
                }
            }
            Object body = m.get("bodyHex");
            f.bodyHex = body == null ? "" : ((String) body).toUpperCase();
            return f;
        }

        private static int intMember(Map<String, Object> m, String name) {
            Object v = m.get(name);
            if (!(v instanceof BigDecimal)) {
                throw new IllegalArgumentException("member '" + name + "' missing or not a number");
            }
            return ((BigDecimal) v).intValueExact();
        }

        /** Deterministic text: fixed member order, extFields sorted by key, 2-space indent, final newline. */
        public String toJson() {
            StringBuilder sb = new StringBuilder();
            sb.append("{\n");
            sb.append("  \"code\": ").append(code).append(",\n");
            sb.append("  \"language\": ").append(Json.quote(language)).append(",\n");
            sb.append("  \"version\": ").append(version).append(",\n");
            sb.append("  \"opaque\": ").append(opaque).append(",\n");
            sb.append("  \"flag\": ").append(flag).append(",\n");
            sb.append("  \"remark\": ").append(Json.quote(remark)).append(",\n");
            if (extFields == null) {
                sb.append("  \"extFields\": null,\n");
            } else if (extFields.isEmpty()) {
                sb.append("  \"extFields\": {},\n");
            } else {
                sb.append("  \"extFields\": {\n");
                int i = 0;
                for (Map.Entry<String, String> e : extFields.entrySet()) {
                    sb.append("    ").append(Json.quote(e.getKey())).append(": ").append(Json.quote(e.getValue()));
                    sb.append(++i < extFields.size() ? ",\n" : "\n");
                }
                sb.append("  },\n");
            }
            sb.append("  \"bodyHex\": ").append(Json.quote(bodyHex)).append("\n");
            sb.append("}\n");
            return sb.toString();
        }

        /** Human-readable differences, empty when equal. */
        public List<String> diff(Fields actual) {
            List<String> d = new ArrayList<>();
            if (code != actual.code) {
                d.add("code expected " + code + " got " + actual.code);
            }
            if (!Objects.equals(language, actual.language)) {
                d.add("language expected " + language + " got " + actual.language);
            }
            if (version != actual.version) {
                d.add("version expected " + version + " got " + actual.version);
            }
            if (opaque != actual.opaque) {
                d.add("opaque expected " + opaque + " got " + actual.opaque);
            }
            if (flag != actual.flag) {
                d.add("flag expected " + flag + " got " + actual.flag);
            }
            if (!Objects.equals(remark, actual.remark)) {
                d.add("remark expected " + Json.quote(remark) + " got " + Json.quote(actual.remark));
            }
            if (!Objects.equals(extFields, actual.extFields)) {
                d.add("extFields expected " + extString(extFields) + " got " + extString(actual.extFields));
            }
            if (!Objects.equals(bodyHex, actual.bodyHex)) {
                d.add("body expected " + abbreviate(bodyHex) + " got " + abbreviate(actual.bodyHex));
            }
            return d;
        }

        private static String extString(TreeMap<String, String> m) {
            if (m == null) {
                return "null";
            }
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, String> e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(Json.quote(e.getKey())).append(": ").append(Json.quote(e.getValue()));
            }
            return sb.append('}').toString();
        }

        private static String abbreviate(String hex) {
            return hex.length() <= 64 ? "\"" + hex + "\"" : "\"" + hex.substring(0, 64) + "...\" (" + hex.length() / 2 + " bytes)";
        }
    }

    public static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)));
            sb.append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
        }
        return sb.toString();
    }
}

package rmq.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.remoting.protocol.DataVersion;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.SerializeType;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.remoting.protocol.header.HeartbeatRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PopMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2;
import org.apache.rocketmq.remoting.protocol.header.SendMessageResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.UnregisterClientRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.UpdateConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.GetKVConfigResponseHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.GetRouteInfoRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.PutKVConfigRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.RegisterBrokerRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.RegisterBrokerResponseHeader;
import org.apache.rocketmq.remoting.protocol.heartbeat.ConsumeType;
import org.apache.rocketmq.remoting.protocol.heartbeat.ConsumerData;
import org.apache.rocketmq.remoting.protocol.heartbeat.HeartbeatData;
import org.apache.rocketmq.remoting.protocol.heartbeat.MessageModel;
import org.apache.rocketmq.remoting.protocol.heartbeat.ProducerData;
import org.apache.rocketmq.remoting.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

/**
 * Golden RemotingCommand frames.
 *
 * <pre>
 *   GoldenBytes write  DIR   encode every case with Java's NettyEncoder, in both serializations
 *   GoldenBytes verify DIR   decode every N.(json|rocketmq).bin with Java's NettyDecoder and
 *                            compare with N.fields.json (or N.&lt;ser&gt;.fields.json)
 *   GoldenBytes list         print the case names and descriptions
 * </pre>
 *
 * File format: see tests/interop/README.md.
 */
public final class GoldenBytes {
    static final int V = MQVersion.CURRENT_VERSION; // 479 for 5.3.3

    private static final String[] SERIALIZATIONS = {"json", "rocketmq"};

    private static final class Case {
        final String name;
        final String description;
        final Supplier<RemotingCommand> factory;

        Case(String name, String description, Supplier<RemotingCommand> factory) {
            this.name = name;
            this.description = description;
            this.factory = factory;
        }
    }

    public static void main(String[] args) throws Exception {
        Logging.quietClientLogs();
        if (args.length == 2 && args[0].equals("write")) {
            System.exit(write(Paths.get(args[1])));
        } else if (args.length == 2 && args[0].equals("verify")) {
            System.exit(verify(Paths.get(args[1])));
        } else if (args.length == 1 && args[0].equals("list")) {
            for (Case c : cases()) {
                System.out.println(c.name + "\t" + c.description);
            }
        } else {
            System.err.println("usage: GoldenBytes write <dir> | verify <dir> | list");
            System.exit(2);
        }
    }

    static SerializeType serializeType(String ser) {
        return ser.equals("json") ? SerializeType.JSON : SerializeType.ROCKETMQ;
    }

    // ------------------------------------------------------------------ write

    static int write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder index = new StringBuilder();
        index.append("# name\tdescription (generated by GoldenBytes write; rocketmq ").append(MQVersion.getVersionDesc(V))
            .append(")\n");
        int problems = 0;
        for (Case c : cases()) {
            Map<String, Frames.Fields> decoded = new LinkedHashMap<>();
            List<String> notes = new ArrayList<>();
            for (String ser : SERIALIZATIONS) {
                RemotingCommand cmd = c.factory.get();
                cmd.setSerializeTypeCurrentRPC(serializeType(ser));
                byte[] wire = Frames.wireEncode(cmd);

                // Encoding must be repeatable inside one JVM (fresh command objects).
                RemotingCommand again = c.factory.get();
                again.setSerializeTypeCurrentRPC(serializeType(ser));
                if (!Arrays.equals(wire, Frames.wireEncode(again))) {
                    System.out.println("FAIL " + c.name + " " + ser + ": two encodings of the same command differ");
                    problems++;
                }

                // The legacy RemotingCommand.encode() (not used by NettyEncoder) may order the
                // fast-coded header fields differently; record it, it is informative only.
                RemotingCommand legacy = c.factory.get();
                legacy.setSerializeTypeCurrentRPC(serializeType(ser));
                byte[] legacyBytes = toArray(legacy.encode());
                if (!Arrays.equals(wire, legacyBytes)) {
                    notes.add(ser + ": RemotingCommand.encode() bytes differ from NettyEncoder bytes");
                }

                Files.write(dir.resolve(c.name + "." + ser + ".bin"), wire);
                decoded.put(ser, Frames.Fields.of(Frames.wireDecode(wire)));
            }

            // The JSON decode is the reference ("what the sender meant"); sanity-check it
            // against the command object itself.
            Frames.Fields json = decoded.get("json");
            Frames.Fields intended = intended(c.factory.get());
            List<String> d = intended.diff(json);
            if (!d.isEmpty()) {
                System.out.println("FAIL " + c.name + " json: JSON round trip changed the command: " + d);
                problems++;
            }
            write(dir.resolve(c.name + ".fields.json"), json.toJson());
            Path rocketmqFields = dir.resolve(c.name + ".rocketmq.fields.json");
            Frames.Fields rmq = decoded.get("rocketmq");
            List<String> rd = json.diff(rmq);
            if (rd.isEmpty()) {
                Files.deleteIfExists(rocketmqFields);
            } else {
                write(rocketmqFields, rmq.toJson());
                notes.add("rocketmq decodes differently: " + String.join("; ", rd));
            }
            index.append(c.name).append('\t').append(c.description).append('\n');
            for (String n : notes) {
                index.append("\t  note: ").append(n.replace('\n', ' ')).append('\n');
            }
            System.out.println("wrote " + c.name + (notes.isEmpty() ? "" : "  (" + String.join(" | ", notes) + ")"));
        }
        write(dir.resolve("INDEX.txt"), index.toString());
        return problems == 0 ? 0 : 1;
    }

    /** What the command object holds after header flattening, i.e. what the sender meant. */
    private static Frames.Fields intended(RemotingCommand cmd) {
        cmd.makeCustomHeaderToNet();
        Frames.Fields f = Frames.Fields.of(cmd);
        return f;
    }

    private static byte[] toArray(java.nio.ByteBuffer bb) {
        byte[] b = new byte[bb.remaining()];
        bb.get(b);
        return b;
    }

    private static void write(Path p, String text) throws IOException {
        Files.write(p, text.getBytes(StandardCharsets.UTF_8));
    }

    // ----------------------------------------------------------------- verify

    static int verify(Path dir) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.fields.json")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                n = n.substring(0, n.length() - ".fields.json".length());
                for (String ser : SERIALIZATIONS) {
                    if (n.endsWith("." + ser)) {
                        n = n.substring(0, n.length() - ser.length() - 1);
                    }
                }
                names.add(n);
            }
        }
        if (names.isEmpty()) {
            System.out.println("FAIL " + dir + ": no *.fields.json files");
            return 1;
        }
        int ok = 0;
        int failed = 0;
        for (String name : names) {
            int frames = 0;
            for (String ser : SERIALIZATIONS) {
                Path bin = dir.resolve(name + "." + ser + ".bin");
                if (!Files.exists(bin)) {
                    continue;
                }
                frames++;
                Path specific = dir.resolve(name + "." + ser + ".fields.json");
                Path common = dir.resolve(name + ".fields.json");
                Path fieldsPath = Files.exists(specific) ? specific : common;
                try {
                    if (!Files.exists(fieldsPath)) {
                        throw new IllegalArgumentException("no " + common.getFileName() + " or " + specific.getFileName());
                    }
                    Frames.Fields expected = Frames.Fields.fromJson(
                        new String(Files.readAllBytes(fieldsPath), StandardCharsets.UTF_8));
                    byte[] frame = Files.readAllBytes(bin);
                    checkSerializeTypeByte(frame, ser);
                    Frames.Fields actual = Frames.Fields.of(Frames.wireDecode(frame));
                    List<String> d = expected.diff(actual);
                    if (d.isEmpty()) {
                        System.out.println("OK " + name + " " + ser);
                        ok++;
                    } else {
                        System.out.println("FAIL " + name + " " + ser + ": " + String.join("; ", d)
                            + " (expected from " + fieldsPath.getFileName() + ")");
                        failed++;
                    }
                } catch (Exception e) {
                    System.out.println("FAIL " + name + " " + ser + ": " + e);
                    failed++;
                }
            }
            if (frames == 0) {
                System.out.println("FAIL " + name + ": fields file without any " + name + ".<json|rocketmq>.bin");
                failed++;
            }
        }
        System.out.println("verify " + dir + ": " + ok + " ok, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    private static void checkSerializeTypeByte(byte[] frame, String ser) {
        if (frame.length < 8) {
            return; // wireDecode reports it
        }
        int type = frame[4] & 0xff;
        int want = serializeType(ser).getCode();
        if (type != want) {
            throw new IllegalArgumentException("serialize type byte is " + type + ", file name says " + ser
                + " (" + want + ")");
        }
    }

    // ------------------------------------------------------------------ cases

    static List<Case> cases() {
        List<Case> l = new ArrayList<>();

        l.add(new Case("01_get_route_info", "GET_ROUTEINFO_BY_TOPIC (105) request, GetRouteInfoRequestHeader", () -> {
            GetRouteInfoRequestHeader h = new GetRouteInfoRequestHeader();
            h.setTopic("TopicTest");
            h.setAcceptStandardJsonOnly(true);
            return request(RequestCode.GET_ROUTEINFO_BY_TOPIC, h, 1);
        }));

        l.add(new Case("02_send_message_v2",
            "SEND_MESSAGE_V2 (310) request, one-letter SendMessageRequestHeaderV2 keys, properties with 0x01/0x02 and non-ASCII, binary body",
            () -> {
                // Built the way MQClientAPIImpl does: a V1 header converted to V2.
                SendMessageRequestHeader v1 = new SendMessageRequestHeader();
                v1.setProducerGroup("interop_producer");
                v1.setTopic("TopicTest");
                v1.setDefaultTopic(org.apache.rocketmq.common.topic.TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC);
                v1.setDefaultTopicQueueNums(4);
                v1.setQueueId(2);
                v1.setSysFlag(0);
                v1.setBornTimestamp(1700000000123L);
                v1.setFlag(0);
                v1.setProperties(MessageDecoder.messageProperties2String(messageProperties()));
                v1.setReconsumeTimes(0);
                v1.setUnitMode(false);
                v1.setBatch(false);
                v1.setBrokerName("broker-a");
                SendMessageRequestHeaderV2 h = SendMessageRequestHeaderV2.createSendMessageRequestHeaderV2(v1);
                RemotingCommand cmd = request(RequestCode.SEND_MESSAGE_V2, h, 2);
                cmd.setBody(concat("Hello RocketMQ 你好 ü ".getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff}));
                return cmd;
            }));

        l.add(new Case("03_pull_message", "PULL_MESSAGE (11) request, PullMessageRequestHeader (fast-coded header, bname set)", () -> {
            PullMessageRequestHeader h = new PullMessageRequestHeader();
            h.setConsumerGroup("interop_consumer");
            h.setTopic("TopicTest");
            h.setQueueId(1);
            h.setQueueOffset(0L);
            h.setMaxMsgNums(32);
            h.setSysFlag(3);
            h.setCommitOffset(0L);
            h.setSuspendTimeoutMillis(15000L);
            h.setSubscription("TagA || TagB");
            h.setSubVersion(1700000000000L);
            h.setExpressionType("TAG");
            h.setBrokerName("broker-a");
            return request(RequestCode.PULL_MESSAGE, h, 3);
        }));

        l.add(new Case("04_register_broker",
            "REGISTER_BROKER (103) request, RegisterBrokerRequestHeader, RegisterBrokerBody JSON (uncompressed) with bodyCrc32",
            () -> {
                byte[] body = registerBrokerBody();
                RegisterBrokerRequestHeader h = new RegisterBrokerRequestHeader();
                h.setBrokerName("broker-a");
                h.setBrokerAddr("127.0.0.1:10911");
                h.setClusterName("DefaultCluster");
                h.setHaServerAddr("127.0.0.1:10912");
                h.setBrokerId(0L);
                h.setHeartbeatTimeoutMillis(120000L);
                h.setEnableActingMaster(false);
                h.setCompressed(false);
                h.setBodyCrc32(UtilAll.crc32(body));
                RemotingCommand cmd = request(RequestCode.REGISTER_BROKER, h, 4);
                cmd.setBody(body);
                return cmd;
            }));

        l.add(new Case("05_query_consumer_offset", "QUERY_CONSUMER_OFFSET (14) request, QueryConsumerOffsetRequestHeader", () -> {
            QueryConsumerOffsetRequestHeader h = new QueryConsumerOffsetRequestHeader();
            h.setConsumerGroup("interop_consumer");
            h.setTopic("TopicTest");
            h.setQueueId(3);
            h.setSetZeroIfNotFound(true);
            h.setBrokerName("broker-a");
            return request(RequestCode.QUERY_CONSUMER_OFFSET, h, 5);
        }));

        l.add(new Case("06_unregister_client", "UNREGISTER_CLIENT (35) request, key clientID (capital ID), consumerGroup null", () -> {
            UnregisterClientRequestHeader h = new UnregisterClientRequestHeader();
            h.setClientID("127.0.0.1@12345#987654321");
            h.setProducerGroup("interop_producer");
            return request(RequestCode.UNREGISTER_CLIENT, h, 6);
        }));

        l.add(new Case("07_heart_beat", "HEART_BEAT (34) request, empty HeartbeatRequestHeader, HeartbeatData JSON body", () -> {
            RemotingCommand cmd = request(RequestCode.HEART_BEAT, new HeartbeatRequestHeader(), 7);
            cmd.setBody(heartbeatData().encode());
            return cmd;
        }));

        l.add(new Case("08_response_success_body", "SUCCESS (0) response with a TopicRouteData body (default fastjson: bare numeric map keys)", () -> {
            RemotingCommand cmd = RemotingCommand.createResponseCommand(ResponseCode.SUCCESS, null);
            fix(cmd, 8);
            cmd.setBody(topicRouteData().encode());
            return cmd;
        }));

        l.add(new Case("09_response_error_remark", "TOPIC_NOT_EXIST (17) response, non-ASCII remark with newline, no body", () -> {
            RemotingCommand cmd = RemotingCommand.createResponseCommand(ResponseCode.TOPIC_NOT_EXIST,
                "No topic route info in name server for the topic: 主题-ü\nSee http://rocketmq.apache.org/docs/faq/ for further details.");
            return fix(cmd, 9);
        }));

        l.add(new Case("10_response_ext_fields", "SUCCESS response to GET_KV_CONFIG with GetKVConfigResponseHeader value (non-ASCII)", () -> {
            RemotingCommand cmd = RemotingCommand.createResponseCommand(GetKVConfigResponseHeader.class);
            GetKVConfigResponseHeader h = (GetKVConfigResponseHeader) cmd.readCustomHeader();
            h.setValue("värde 値 ✓");
            cmd.setCode(ResponseCode.SUCCESS);
            cmd.setRemark(null);
            return fix(cmd, 10);
        }));

        l.add(new Case("11_response_send_message",
            "SUCCESS response to SEND_MESSAGE_V2: fast-coded SendMessageResponseHeader plus addExtField MSG_REGION/TRACE_ON",
            () -> {
                RemotingCommand cmd = RemotingCommand.createResponseCommand(SendMessageResponseHeader.class);
                SendMessageResponseHeader h = (SendMessageResponseHeader) cmd.readCustomHeader();
                h.setMsgId("7F00000100002A9F0000000000012345");
                h.setQueueId(2);
                h.setQueueOffset(12345L);
                cmd.addExtField(MessageConst.PROPERTY_MSG_REGION, "DefaultRegion");
                cmd.addExtField(MessageConst.PROPERTY_TRACE_SWITCH, "true");
                cmd.setCode(ResponseCode.SUCCESS);
                cmd.setRemark(null);
                return fix(cmd, 2);
            }));

        l.add(new Case("12_oneway_update_offset", "UPDATE_CONSUMER_OFFSET (15) oneway request (flag 2)", () -> {
            UpdateConsumerOffsetRequestHeader h = new UpdateConsumerOffsetRequestHeader();
            h.setConsumerGroup("interop_consumer");
            h.setTopic("TopicTest");
            h.setQueueId(0);
            h.setCommitOffset(42L);
            RemotingCommand cmd = request(RequestCode.UPDATE_CONSUMER_OFFSET, h, 12);
            cmd.markOnewayRPC();
            return cmd;
        }));

        l.add(new Case("13_no_ext_fields", "GET_BROKER_CLUSTER_INFO (106) request without a custom header: no extFields at all", () ->
            request(RequestCode.GET_BROKER_CLUSTER_INFO, null, 13)));

        l.add(new Case("14_negative_opaque", "GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206) request with a negative opaque", () ->
            request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER, null, -1234567890)));

        l.add(new Case("15_pop_message_large_code",
            "POP_MESSAGE (200050) request: the ROCKETMQ header keeps only the low 16 bits of the code",
            () -> {
                PopMessageRequestHeader h = new PopMessageRequestHeader();
                h.setConsumerGroup("interop_consumer");
                h.setTopic("TopicTest");
                h.setQueueId(-1);
                h.setMaxMsgNums(32);
                h.setInvisibleTime(60000L);
                h.setPollTime(15000L);
                h.setBornTime(1700000000456L);
                h.setInitMode(0);
                h.setExpType("TAG");
                h.setExp("*");
                h.setBrokerName("broker-a");
                return request(RequestCode.POP_MESSAGE, h, 15);
            }));

        l.add(new Case("16_empty_strings",
            "PUT_KV_CONFIG (100) request with an empty value and an empty remark (ROCKETMQ decodes both as null)",
            () -> {
                PutKVConfigRequestHeader h = new PutKVConfigRequestHeader();
                h.setNamespace("interop-ns");
                h.setKey("empty-value");
                h.setValue("");
                RemotingCommand cmd = request(RequestCode.PUT_KV_CONFIG, h, 16);
                cmd.setRemark("");
                return cmd;
            }));

        l.add(new Case("17_language_rust_version_409", "GET_ROUTEINFO_BY_TOPIC from language RUST (12), version 409 (4.9.8)", () -> {
            GetRouteInfoRequestHeader h = new GetRouteInfoRequestHeader();
            h.setTopic("%RETRY%interop_consumer");
            RemotingCommand cmd = request(RequestCode.GET_ROUTEINFO_BY_TOPIC, h, 17);
            cmd.setLanguage(LanguageCode.RUST);
            cmd.setVersion(MQVersion.Version.V4_9_8.ordinal());
            return cmd;
        }));

        l.add(new Case("18_response_register_broker",
            "SUCCESS response to REGISTER_BROKER as the 5.x namesrv builds it: RegisterBrokerResponseHeader with all fields null",
            () -> {
                RemotingCommand cmd = RemotingCommand.createResponseCommand(RegisterBrokerResponseHeader.class);
                cmd.setCode(ResponseCode.SUCCESS);
                cmd.setRemark(null);
                return fix(cmd, 4);
            }));

        l.add(new Case("19_request_not_supported", "REQUEST_CODE_NOT_SUPPORTED (3) response as Java answers an unknown request code", () -> {
            RemotingCommand cmd = RemotingCommand.createResponseCommand(org.apache.rocketmq.remoting.protocol.RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                " request type 9999 not supported");
            return fix(cmd, 19);
        }));

        return l;
    }

    private static RemotingCommand request(int code, org.apache.rocketmq.remoting.CommandCustomHeader h, int opaque) {
        RemotingCommand cmd = RemotingCommand.createRequestCommand(code, h);
        return fix(cmd, opaque);
    }

    /** Fixed version/opaque/language so that the output does not depend on process state. */
    private static RemotingCommand fix(RemotingCommand cmd, int opaque) {
        cmd.setVersion(V);
        cmd.setOpaque(opaque);
        cmd.setLanguage(LanguageCode.JAVA);
        return cmd;
    }

    private static Map<String, String> messageProperties() {
        // TreeMap: messageProperties2String iterates the map, keep the order fixed.
        Map<String, String> p = new TreeMap<>();
        p.put(MessageConst.PROPERTY_KEYS, "key-1 key-2");
        p.put(MessageConst.PROPERTY_TAGS, "TagA");
        p.put(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, "7F000001303918B4AAC2000000000000");
        p.put(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, "true");
        p.put("userProp", "値 ✓ ü");
        return p;
    }

    private static byte[] registerBrokerBody() {
        RegisterBrokerBody body = new RegisterBrokerBody();
        DataVersion dv = new DataVersion();
        dv.setStateVersion(0L);
        dv.setTimestamp(1700000000000L);
        dv.setCounter(new AtomicLong(3));
        body.getTopicConfigSerializeWrapper().setDataVersion(dv);
        DataVersion mdv = new DataVersion();
        mdv.setStateVersion(0L);
        mdv.setTimestamp(1700000000000L);
        mdv.setCounter(new AtomicLong(0));
        body.getTopicConfigSerializeWrapper().setMappingDataVersion(mdv);
        TopicConfig a = new TopicConfig(org.apache.rocketmq.common.topic.TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, 8, 8, 7);
        TopicConfig b = new TopicConfig("TopicTest", 4, 4, 6);
        body.getTopicConfigSerializeWrapper().getTopicConfigTable().put(a.getTopicName(), a);
        body.getTopicConfigSerializeWrapper().getTopicConfigTable().put(b.getTopicName(), b);
        return body.encode(false);
    }

    private static HeartbeatData heartbeatData() {
        HeartbeatData hb = new HeartbeatData();
        hb.setClientID("127.0.0.1@12345#987654321");
        ProducerData p = new ProducerData();
        p.setGroupName("interop_producer");
        hb.getProducerDataSet().add(p);
        ConsumerData c = new ConsumerData();
        c.setGroupName("interop_consumer");
        c.setConsumeType(ConsumeType.CONSUME_PASSIVELY);
        c.setMessageModel(MessageModel.CLUSTERING);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        SubscriptionData s = new SubscriptionData();
        s.setTopic("TopicTest");
        s.setSubString("TagA || TagB");
        s.getTagsSet().add("TagA");
        s.getTagsSet().add("TagB");
        s.getCodeSet().add("TagA".hashCode());
        s.getCodeSet().add("TagB".hashCode());
        s.setSubVersion(1700000000000L);
        c.getSubscriptionDataSet().add(s);
        hb.getConsumerDataSet().add(c);
        return hb;
    }

    private static TopicRouteData topicRouteData() {
        TopicRouteData r = new TopicRouteData();
        QueueData q = new QueueData();
        q.setBrokerName("broker-a");
        q.setReadQueueNums(4);
        q.setWriteQueueNums(4);
        q.setPerm(6);
        q.setTopicSysFlag(0);
        r.setQueueDatas(new ArrayList<>(List.of(q)));
        HashMap<Long, String> addrs = new HashMap<>();
        addrs.put(MixAll.MASTER_ID, "127.0.0.1:10911");
        r.setBrokerDatas(new ArrayList<>(List.of(new BrokerData("DefaultCluster", "broker-a", addrs))));
        r.setFilterServerTable(new HashMap<>());
        return r;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}

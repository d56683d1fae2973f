package rmq.interop;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.UtilAll;
import org.apache.rocketmq.remoting.CommandCustomHeader;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RemotingSysResponseCode;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.SerializeType;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.body.RegisterBrokerBody;
import org.apache.rocketmq.remoting.protocol.header.namesrv.GetKVConfigRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.GetRouteInfoRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.PutKVConfigRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.RegisterBrokerRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.namesrv.UnRegisterBrokerRequestHeader;
import rmq.interop.common.Opts;

/**
 * namesrv-basics: request/response contract checks over a raw TCP socket, with requests
 * encoded by Java's own NettyEncoder in both serializations, and responses decoded by
 * Java's NettyDecoder. Prints every response so the output documents how the namesrv
 * answers (code, flag, remark, extFields, response serialization).
 */
final class NamesrvBasics {
    static final String USAGE = "namesrv-basics -n NAMESRV";

    private static final AtomicInteger OPAQUE = new AtomicInteger(1000);

    private NamesrvBasics() {
    }

    /** One connection to the namesrv, speaking raw frames. */
    static final class Conn implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        Conn(String addr) throws IOException {
            int colon = addr.lastIndexOf(':');
            socket = new Socket();
            socket.connect(new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1))), 5000);
            socket.setSoTimeout(10000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(RemotingCommand cmd) throws IOException {
            out.write(Frames.wireEncode(cmd));
            out.flush();
        }

        RemotingCommand read() throws IOException {
            int len = in.readInt();
            if (len < 4 || len > 16 * 1024 * 1024) {
                throw new IOException("bad frame length " + len);
            }
            byte[] frame = new byte[len + 4];
            frame[0] = (byte) (len >>> 24);
            frame[1] = (byte) (len >>> 16);
            frame[2] = (byte) (len >>> 8);
            frame[3] = (byte) len;
            in.readFully(frame, 4, len);
            return Frames.wireDecode(frame);
        }

        RemotingCommand call(RemotingCommand cmd) throws IOException {
            send(cmd);
            RemotingCommand r = read();
            if (r.getOpaque() != cmd.getOpaque()) {
                throw new Opts.CheckFailed("response opaque " + r.getOpaque() + " does not match request opaque " + cmd.getOpaque());
            }
            if (!r.isResponseType()) {
                throw new Opts.CheckFailed("answer to opaque " + cmd.getOpaque() + " lacks the response flag bit: flag=" + r.getFlag());
            }
            return r;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static RemotingCommand request(int code, CommandCustomHeader h, SerializeType ser) {
        RemotingCommand cmd = RemotingCommand.createRequestCommand(code, h);
        cmd.setVersion(MQVersion.CURRENT_VERSION);
        cmd.setOpaque(OPAQUE.incrementAndGet());
        cmd.setSerializeTypeCurrentRPC(ser);
        return cmd;
    }

    static String describe(RemotingCommand r) {
        return "code=" + r.getCode() + " flag=" + r.getFlag() + " version=" + r.getVersion() + " ser="
            + r.getSerializeTypeCurrentRPC() + " remark=" + Json.quote(r.getRemark()) + " ext=" + r.getExtFields()
            + " body=" + (r.getBody() == null ? "none" : r.getBody().length + "B");
    }

    static void expectCode(String what, RemotingCommand r, int code) {
        if (r.getCode() != code) {
            throw new Opts.CheckFailed(what + ": expected code " + code + ", got " + describe(r));
        }
        if (r.getVersion() == 0) {
            throw new Opts.CheckFailed(what + ": response advertises version 0");
        }
    }

    static int run(Opts o) throws Exception {
        String addr = o.require("n");
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> seen = new ArrayList<>();
        try (Conn c = new Conn(addr)) {
            for (SerializeType ser : new SerializeType[] {SerializeType.JSON, SerializeType.ROCKETMQ}) {
                String s = ser.name();

                RemotingCommand r = c.call(request(9999, null, ser));
                expectCode("unknown code 9999 (" + s + ")", r, RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED);
                if (!" request type 9999 not supported".equals(r.getRemark())) {
                    throw new Opts.CheckFailed("unknown code remark is " + Json.quote(r.getRemark()));
                }
                seen.add("unknown code 9999 " + s + ": " + describe(r));

                GetRouteInfoRequestHeader rh = new GetRouteInfoRequestHeader();
                rh.setTopic("interop_no_such_topic_" + run);
                r = c.call(request(RequestCode.GET_ROUTEINFO_BY_TOPIC, rh, ser));
                expectCode("route of unknown topic (" + s + ")", r, ResponseCode.TOPIC_NOT_EXIST);
                if (r.getRemark() == null || !r.getRemark().startsWith(
                    "No topic route info in name server for the topic: interop_no_such_topic_" + run)) {
                    throw new Opts.CheckFailed("unknown topic remark is " + Json.quote(r.getRemark()));
                }
                seen.add("route of unknown topic " + s + ": " + describe(r));

                String ns = "interop_raw_" + run;
                GetKVConfigRequestHeader gh = new GetKVConfigRequestHeader();
                gh.setNamespace(ns);
                gh.setKey("missing-" + s);
                r = c.call(request(RequestCode.GET_KV_CONFIG, gh, ser));
                expectCode("GET_KV_CONFIG missing (" + s + ")", r, ResponseCode.QUERY_NOT_FOUND);
                String want = "No config item, Namespace: " + ns + " Key: missing-" + s;
                if (!want.equals(r.getRemark())) {
                    throw new Opts.CheckFailed("GET_KV_CONFIG missing: remark " + Json.quote(r.getRemark()) + ", expected "
                        + Json.quote(want));
                }
                seen.add("GET_KV_CONFIG missing " + s + ": " + describe(r));

                // A oneway PUT must get no answer: the next frame on the wire answers the GET.
                PutKVConfigRequestHeader ph = new PutKVConfigRequestHeader();
                ph.setNamespace(ns);
                ph.setKey("k-" + s);
                ph.setValue("värde ✓ " + s);
                RemotingCommand put = request(RequestCode.PUT_KV_CONFIG, ph, ser);
                put.markOnewayRPC();
                c.send(put);
                gh = new GetKVConfigRequestHeader();
                gh.setNamespace(ns);
                gh.setKey("k-" + s);
                // The server may run the GET on another thread before the PUT: poll briefly.
                // Every answer must carry a GET's opaque (Conn.call checks it).
                for (int i = 0; ; i++) {
                    r = c.call(request(RequestCode.GET_KV_CONFIG, gh, ser));
                    if (r.getCode() != ResponseCode.QUERY_NOT_FOUND || i >= 50) {
                        break;
                    }
                    Thread.sleep(20);
                }
                expectCode("GET_KV_CONFIG after oneway PUT (" + s + ")", r, ResponseCode.SUCCESS);
                if (r.getExtFields() == null || !("värde ✓ " + s).equals(r.getExtFields().get("value"))) {
                    throw new Opts.CheckFailed("GET_KV_CONFIG value: " + describe(r));
                }
                seen.add("oneway PUT_KV_CONFIG + GET_KV_CONFIG " + s + ": " + describe(r));

                r = c.call(request(RequestCode.GET_BROKER_CLUSTER_INFO, null, ser));
                expectCode("GET_BROKER_CLUSTER_INFO (" + s + ")", r, ResponseCode.SUCCESS);
                ClusterInfo.decode(r.getBody(), ClusterInfo.class);
                seen.add("GET_BROKER_CLUSTER_INFO " + s + ": " + describe(r) + " body=" + abbreviate(r.getBody()));
            }

            // REGISTER_BROKER / UNREGISTER_BROKER of a made-up broker, the way a Java 5.x broker sends it.
            String fake = "interop-probe-" + run;
            RegisterBrokerBody body = new RegisterBrokerBody();
            TopicConfig t1 = new TopicConfig(fake, 1, 1, 6);
            TopicConfig t2 = new TopicConfig("interop_probe_topic_" + run, 2, 2, 6);
            body.getTopicConfigSerializeWrapper().getTopicConfigTable().put(t1.getTopicName(), t1);
            body.getTopicConfigSerializeWrapper().getTopicConfigTable().put(t2.getTopicName(), t2);
            byte[] b = body.encode(false);
            RegisterBrokerRequestHeader reg = new RegisterBrokerRequestHeader();
            reg.setBrokerName(fake);
            reg.setBrokerAddr("127.0.0.1:1");
            reg.setClusterName("InteropProbeCluster");
            reg.setHaServerAddr("127.0.0.1:2");
            reg.setBrokerId(0L);
            reg.setHeartbeatTimeoutMillis(60000L);
            reg.setEnableActingMaster(false);
            reg.setCompressed(false);
            reg.setBodyCrc32(UtilAll.crc32(b));
            RemotingCommand req = request(RequestCode.REGISTER_BROKER, reg, SerializeType.JSON);
            req.setBody(b);
            RemotingCommand r = c.call(req);
            expectCode("REGISTER_BROKER", r, ResponseCode.SUCCESS);
            seen.add("REGISTER_BROKER answer: " + describe(r));

            GetRouteInfoRequestHeader rh = new GetRouteInfoRequestHeader();
            rh.setTopic(t2.getTopicName());
            r = c.call(request(RequestCode.GET_ROUTEINFO_BY_TOPIC, rh, SerializeType.JSON));
            expectCode("route of the probe broker's topic", r, ResponseCode.SUCCESS);
            seen.add("GET_ROUTEINFO_BY_TOPIC (version " + MQVersion.CURRENT_VERSION + ") body: " + abbreviate(r.getBody()));

            reg.setBodyCrc32(12345); // a wrong non-zero CRC must be refused
            req = request(RequestCode.REGISTER_BROKER, reg, SerializeType.JSON);
            req.setBody(b);
            r = c.call(req);
            expectCode("REGISTER_BROKER with a wrong bodyCrc32", r, RemotingSysResponseCode.SYSTEM_ERROR);
            seen.add("REGISTER_BROKER bad crc: " + describe(r));

            UnRegisterBrokerRequestHeader un = new UnRegisterBrokerRequestHeader();
            un.setBrokerName(fake);
            un.setBrokerAddr("127.0.0.1:1");
            un.setClusterName("InteropProbeCluster");
            un.setBrokerId(0L);
            r = c.call(request(RequestCode.UNREGISTER_BROKER, un, SerializeType.JSON));
            expectCode("UNREGISTER_BROKER", r, ResponseCode.SUCCESS);
            seen.add("UNREGISTER_BROKER answer: " + describe(r));

            long start = System.currentTimeMillis();
            while (true) {
                r = c.call(request(RequestCode.GET_ROUTEINFO_BY_TOPIC, rh, SerializeType.JSON));
                if (r.getCode() == ResponseCode.TOPIC_NOT_EXIST) {
                    seen.add("probe broker's topic gone " + (System.currentTimeMillis() - start) + " ms after UNREGISTER_BROKER");
                    break;
                }
                if (System.currentTimeMillis() - start > 10000) {
                    throw new Opts.CheckFailed("topic of an unregistered broker still routed after 10 s: " + describe(r));
                }
                Thread.sleep(100);
            }
        }
        for (String line : seen) {
            System.out.println("[namesrv-basics] " + line);
        }
        System.out.println("[namesrv-basics] OK");
        return 0;
    }

    static String abbreviate(byte[] body) {
        if (body == null) {
            return "none";
        }
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}

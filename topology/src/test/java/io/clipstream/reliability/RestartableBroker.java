package io.clipstream.reliability;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A single-node KRaft broker on 127.0.0.1 that can be stopped and started again on the same ports and log folder,
 * so a running service sees the broker go away and come back with its data. (The project's {@code EmbeddedBroker}
 * deletes its logs on close and picks a new controller port, which is right for the demo but not for this fault.)
 */
final class RestartableBroker implements AutoCloseable {
    private final Properties config;
    private final int port;
    private KafkaRaftServer server;

    private RestartableBroker(Properties config, int port) {
        this.config = config;
        this.port = port;
    }

    static RestartableBroker start(Path dir) throws IOException {
        int port = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());
        for (String topic : new String[]{"offsets.topic", "transaction.state.log", "share.coordinator.state.topic"}) {
            p.put(topic + ".replication.factor", "1");
            p.put(topic + ".num.partitions", "1");
        }
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        p.put("message.max.bytes", String.valueOf(16 << 20));
        Path file = dir.resolve("server.properties");
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, null);
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(), "-c",
                file.toString()}, new PrintStream(log, true));
        if (formatted != 0) {
            throw new IOException("formatting the broker's storage failed: " + log);
        }
        RestartableBroker broker = new RestartableBroker(p, port);
        broker.startAgain();
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Shuts the broker down (a clean broker shutdown; its clients see connections refused). */
    void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts a new broker on the same ports and log folder. */
    void startAgain() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
        server.startup();
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}

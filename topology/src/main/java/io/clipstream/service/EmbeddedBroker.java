package io.clipstream.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker and KRaft controller inside this JVM, listening on 127.0.0.1 only, with its logs in a
 * folder deleted on close. It is what {@code clipstream demo} runs on; any Kafka client can watch its topics. Tests
 * also {@link #stop()} it and {@link #startAgain()} on the same ports and logs, so a running service sees its broker
 * go away and come back with its data.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Properties config;
    private final int port;
    private final int saslPort;
    private final Path dir;
    private KafkaRaftServer server;

    private EmbeddedBroker(Properties config, int port, int saslPort, Path dir) {
        this.config = config;
        this.port = port;
        this.saslPort = saslPort;
        this.dir = dir;
    }

    /** Formats a fresh log folder under {@code dir} and starts the broker on 127.0.0.1:{@code port} (0: any free port). */
    public static EmbeddedBroker start(Path dir, int port) throws IOException {
        return start(dir, port, Map.of());
    }

    /**
     * As {@link #start(Path, int)}, plus, when {@code plainUsers} (name to password) is not empty, a second
     * listener on a free port that only accepts SASL_PLAINTEXT clients authenticated with PLAIN as one of them:
     * a real broker to check that the service's {@code kafka.sasl.*} settings work, not only that they are passed on.
     */
    public static EmbeddedBroker start(Path dir, int port, Map<String, String> plainUsers) throws IOException {
        return start(dir, port, plainUsers, false);
    }

    /**
     * As {@link #start(Path, int, Map)}; with {@code acls}, the broker enforces ACLs (KRaft's StandardAuthorizer,
     * nothing allowed without an ACL) for the SASL users, while PLAINTEXT clients (the test's own, as ANONYMOUS) stay
     * super users.
     */
    public static EmbeddedBroker start(Path dir, int port, Map<String, String> plainUsers, boolean acls)
            throws IOException {
        Files.createDirectories(dir);
        int[] free = freePorts(3, port);
        int brokerPort = port == 0 ? free[2] : requireFree(port);
        int controllerPort = free[0];
        int saslPort = plainUsers.isEmpty() ? -1 : free[1];
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String sasl = plainUsers.isEmpty() ? "" : ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + sasl + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + sasl);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put(
                "listener.security.protocol.map",
                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
        if (!plainUsers.isEmpty()) {
            StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
            plainUsers.forEach((user, password) -> jaas.append(" user_")
                    .append(user)
                    .append("=\"")
                    .append(password)
                    .append('"'));
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put(
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    jaas.append(';').toString());
        }
        if (acls) {
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:ANONYMOUS");
            p.put("allow.everyone.if.no.acl.found", "false");
        }
        p.put("log.dirs", dir.resolve("logs").toString());
        // One node: every internal topic with one replica and one partition.
        for (String topic : new String[] {"offsets.topic", "transaction.state.log", "share.coordinator.state.topic"}) {
            p.put(topic + ".replication.factor", "1");
            p.put(topic + ".num.partitions", "1");
        }
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "1");
        // Images travel inline; the service allows records up to 16 MB.
        p.put("message.max.bytes", String.valueOf(16 << 20));
        Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, "clipstream embedded broker");
        }
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(
                new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()},
                new PrintStream(log, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            throw new IOException("formatting the broker's storage failed: " + log.toString(StandardCharsets.UTF_8));
        }
        EmbeddedBroker broker = new EmbeddedBroker(p, brokerPort, saslPort, dir);
        broker.startAgain();
        return broker;
    }

    /** Starts the broker again on the same ports and log folder after {@link #stop()}; does nothing while it runs. */
    public synchronized void startAgain() throws IOException {
        if (server != null) {
            return;
        }
        KafkaRaftServer started = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
        try {
            started.startup();
        } catch (RuntimeException e) {
            throw new IOException("the broker did not start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        server = started;
    }

    /** Shuts the broker down cleanly but keeps its ports and logs: its clients see connections refused. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The SASL_PLAINTEXT listener's address; only for a broker started with PLAIN users. */
    public String saslBootstrapServers() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker has no SASL listener");
        }
        return "127.0.0.1:" + saslPort;
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir.resolve("logs"))) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails with a plain message, instead of the broker's fatal-error stack traces, when the port is taken. */
    static int requireFree(int port) throws IOException {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.net.BindException e) {
            throw new IOException("port " + port + " on 127.0.0.1 is in use (another Kafka broker?): choose another"
                    + " with --port, or --port 0 for any free port");
        }
    }

    static int freePort() throws IOException {
        return freePorts(1, 0)[0];
    }

    /**
     * {@code count} different ports free on 127.0.0.1 now, none equal to {@code except}: probed with all sockets open
     * at once, since one probed and closed after the other may be handed out again (two listeners on one port).
     */
    static int[] freePorts(int count, int except) throws IOException {
        List<ServerSocket> open = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; ) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                open.add(s);
                if (s.getLocalPort() != except) {
                    ports[i++] = s.getLocalPort();
                }
            }
            return ports;
        } finally {
            for (ServerSocket s : open) {
                s.close();
            }
        }
    }
}

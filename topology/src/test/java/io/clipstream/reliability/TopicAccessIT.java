package io.clipstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.ClipModel;
import io.clipstream.service.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that enforces ACLs, where the service's principal may do everything but write one output topic. Kafka
 * Streams would stop at the first record sent there, and again after every restart; the service must instead refuse
 * to start, naming the topic and the operation, and start once the grant is there.
 */
class TopicAccessIT {
    private static final String SUITE = "security";
    private static final String PRINCIPAL = "User:clipstream";

    @TempDir
    static Path dir;

    private static EmbeddedBroker broker;
    private static RestartableRegistry registry;
    private static Path model;

    @BeforeAll
    static void start() throws Exception {
        model = ClipModel.writeTinyRandomModel(dir.resolve("model"), 7);
        broker = EmbeddedBroker.start(dir.resolve("kafka"), 0, Map.of("clipstream", "s3cret"), true);
        registry = RestartableRegistry.start("reliability-acls");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aMissingGrantOnOneOutputTopicStopsTheStartNamingItAndTheGrantLetsItRun() throws Exception {
        try (Workload w = new Workload("acls", broker.bootstrapServers(), registry.url());
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            AclBinding denyWrite = binding(
                    ResourceType.TOPIC,
                    w.topic("image-embeddings"),
                    PatternType.LITERAL,
                    AclOperation.WRITE,
                    AclPermissionType.DENY);
            admin.createAcls(List.of(
                            binding(
                                    ResourceType.TOPIC,
                                    "*",
                                    PatternType.LITERAL,
                                    AclOperation.ALL,
                                    AclPermissionType.ALLOW),
                            binding(
                                    ResourceType.GROUP,
                                    "*",
                                    PatternType.LITERAL,
                                    AclOperation.ALL,
                                    AclPermissionType.ALLOW),
                            binding(
                                    ResourceType.TRANSACTIONAL_ID,
                                    "*",
                                    PatternType.LITERAL,
                                    AclOperation.ALL,
                                    AclPermissionType.ALLOW),
                            binding(
                                    ResourceType.CLUSTER,
                                    "kafka-cluster",
                                    PatternType.LITERAL,
                                    AclOperation.ALL,
                                    AclPermissionType.ALLOW),
                            denyWrite))
                    .all()
                    .get();

            Map<String, String> settings = w.settings(dir, model, "a");
            settings.put("bootstrap.servers", broker.saslBootstrapServers());
            settings.put("kafka.security.protocol", "SASL_PLAINTEXT");
            settings.put("kafka.sasl.mechanism", "PLAIN");
            settings.put(
                    "kafka.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            + "username=\"clipstream\" password=\"s3cret\";");
            try (ServiceProcess refused = ServiceProcess.start("acls-refused", dir, settings, "WARN")) {
                int exit = refused.awaitExit(Duration.ofMinutes(2));
                assertThat(exit).isEqualTo(1);
                assertThat(refused.log())
                        .contains("WRITE on topic " + w.topic("image-embeddings"))
                        .doesNotContain("-> RUNNING")
                        .doesNotContain("s3cret");
            }

            admin.deleteAcls(List.of(denyWrite.toFilter())).all().get();
            try (ServiceProcess granted = ServiceProcess.start("acls-granted", dir, settings, "WARN");
                    Ledger ledger = w.ledger()) {
                granted.awaitRunning();
                List<String> probes = w.publishLabelsAndProbe(ledger);
                ledger.report(
                        SUITE,
                        "an output topic the principal may not write: start refused naming it, then "
                                + "runs once granted",
                        probes,
                        "exit 1 with the missing grant named");
            }
        }
    }

    private static AclBinding binding(
            ResourceType type, String name, PatternType pattern, AclOperation operation, AclPermissionType permission) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(PRINCIPAL, "*", operation, permission));
    }
}

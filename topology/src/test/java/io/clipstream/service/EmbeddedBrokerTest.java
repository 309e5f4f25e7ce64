package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedBrokerTest {
    @TempDir
    Path dir;

    @Test
    void servesOnLoopbackAndRemovesItsLogsOnClose() throws Exception {
        Path logs;
        try (EmbeddedBroker broker = EmbeddedBroker.start(Files.createDirectories(dir.resolve("kafka")), 0)) {
            assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1)))
                        .all()
                        .get();
                // The creation is acknowledged by the controller; the broker's metadata cache may answer a moment
                // later.
                java.util.Set<String> names = admin.listTopics().names().get();
                for (int i = 0; i < 100 && !names.contains("t"); i++) {
                    Thread.sleep(50);
                    names = admin.listTopics().names().get();
                }
                assertThat(names).contains("t");
            }
            logs = dir.resolve("kafka/logs");
            assertThat(logs).isDirectory();
        }
        assertThat(logs).doesNotExist();
    }

    @Test
    void startsAgainOnTheSamePortWithItsTopicsAfterAStop() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("kafka"), 0)) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
                        .all()
                        .get();
            }
            broker.stop();
            try (ServerSocket freed = new ServerSocket(broker.port(), 1, InetAddress.getLoopbackAddress())) {
                assertThat(freed.getLocalPort())
                        .as("the stopped broker let go of its port")
                        .isEqualTo(broker.port());
            }
            broker.startAgain();
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                assertThat(admin.listTopics().names().get()).contains("kept");
            }
        }
    }

    @Test
    void aTakenPortIsAPlainError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> EmbeddedBroker.start(dir, taken.getLocalPort()))
                    .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is in use (another Kafka broker?): "
                            + "choose another with --port, or --port 0 for any free port");
        }
    }
}

package io.clipstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.serde.WireFormat;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults against the running service (a child JVM of {@code clipstream run}, tiny random model, exactly-once on) and
 * a real KRaft broker: SIGKILL mid-stream and restart, the broker stopped and restarted, the registry unreachable at
 * start and mid-run, two instances with one killed. After each, every input has exactly one classification or
 * dead letter (read_committed): none twice, none missing, and no good image dead-lettered.
 */
class FaultsIT {
    private static final String SUITE = "faults";

    @TempDir
    static Path dir;

    private static SuiteFixture suite;

    @BeforeAll
    static void start() throws Exception {
        suite = SuiteFixture.start(dir, "reliability-faults");
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void sigkillMidStreamThenRestart() throws Exception {
        try (Workload w = suite.workload("kill")) {
            ServiceProcess first = ServiceProcess.start("kill-1", dir, suite.settings(w, "a"), "WARN");
            first.awaitRunning();
            try (Ledger ledger = w.ledger()) {
                List<String> inputs = new ArrayList<>(w.publishLabelsAndProbe(ledger));
                List<String> images = sendImages(w, "img-", 240);
                inputs.addAll(images);
                Waits.until(
                        () -> ledger.poll().outputs.keySet().stream()
                                        .filter(k -> k.startsWith("img-"))
                                        .count()
                                >= 40,
                        "40 answers before the kill");
                first.kill();
                int atKill = ledger.poll().outputs.size();
                ServiceProcess second = ServiceProcess.start("kill-2", dir, suite.settings(w, "a"), "WARN");
                try {
                    ledger.awaitAll(inputs, "after the restart");
                } finally {
                    second.stop();
                }
                ledger.report(
                        SUITE,
                        "SIGKILL of the service mid-stream, restart on the same state",
                        inputs,
                        atKill + " of " + inputs.size() + " answered at the kill");
                assertExactlyOnceAllClassified(ledger, inputs);
                assertThat(atKill).as("the kill came mid-stream").isLessThan(inputs.size());
            }
        }
    }

    @Test
    void brokerStoppedAndRestartedWhileTheServiceRuns() throws Exception {
        try (Workload w = suite.workload("broker")) {
            ServiceProcess service = ServiceProcess.start("broker", dir, suite.settings(w, "a"), "WARN");
            try (Ledger ledger = w.ledger()) {
                service.awaitRunning();
                List<String> inputs = new ArrayList<>(w.publishLabelsAndProbe(ledger));
                inputs.addAll(sendImages(w, "before-", 120));
                Waits.until(
                        () -> ledger.poll().outputs.keySet().stream()
                                        .filter(k -> k.startsWith("before-"))
                                        .count()
                                >= 20,
                        "20 answers before the broker stops");
                suite.broker().stop();
                Thread.sleep(8_000); // the outage: the service's clients see connections refused
                boolean aliveDuringOutage = service.alive();
                suite.broker().startAgain();
                inputs.addAll(sendImages(w, "after-", 60));
                ledger.awaitAll(inputs, "after the broker restart");
                boolean aliveAfter = service.alive();
                service.stop();
                ledger.report(
                        SUITE,
                        "broker stopped 8 s and restarted while the service runs",
                        inputs,
                        "service alive during outage: " + aliveDuringOutage + ", after: " + aliveAfter);
                assertThat(aliveDuringOutage)
                        .as("the service survives the outage")
                        .isTrue();
                assertThat(aliveAfter).isTrue();
                assertExactlyOnceAllClassified(ledger, inputs);
            } finally {
                service.close();
            }
        }
    }

    @Test
    void registryUnreachableMidRun() throws Exception {
        try (Workload w = suite.workload("registry-mid")) {
            ServiceProcess service = ServiceProcess.start("registry-mid", dir, suite.settings(w, "a"), "WARN");
            try (Ledger ledger = w.ledger()) {
                service.awaitRunning();
                List<String> inputs = new ArrayList<>(w.publishLabelsAndProbe(ledger));
                // A producer upgrades its schema (a field added with a default) while the registry is up; the
                // service has never seen that schema id, so it must ask the registry for it during the outage.
                Schema v2 = InMemorySchemaRegistry.parse(ImageEvent.getClassSchema()
                        .toString()
                        .replaceFirst("]}$", ",{\"name\":\"reliabilityRevision\",\"type\":\"int\",\"default\":0}]}"));
                int v2Id = suite.registry().registry().register(w.topic("images") + "-value", v2);
                List<byte[]> newSchemaRecords = new ArrayList<>();
                List<String> outage = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String id = "outage-" + i;
                    outage.add(id);
                    byte[] v1 = w.goodImage(id, i);
                    newSchemaRecords.add(i % 2 == 0 ? withSchemaV2(v1, v2Id) : v1);
                }
                Waits.until(() -> ready(service).statusCode() == 200, "/health/ready 200 before the outage");
                suite.registry().stop();
                for (int i = 0; i < outage.size(); i++) {
                    w.sendImage(outage.get(i), newSchemaRecords.get(i));
                }
                inputs.addAll(outage);
                // The outage lasts 20 s, longer than the registry client's own retries; readiness is sampled
                // throughout: records waiting for the registry must make the instance not ready, with the reason.
                HttpResponse<String> notReady = null;
                long outageEnd = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < outageEnd) {
                    HttpResponse<String> probe = ready(service);
                    if (notReady == null && probe.statusCode() == 503) {
                        notReady = probe;
                    }
                    Thread.sleep(250);
                }
                boolean aliveDuringOutage = service.alive();
                int deadDuringOutage = (int) outage.stream()
                        .filter(ledger.poll().deadLetters::containsKey)
                        .count();
                suite.registry().startAgain();
                ledger.awaitAll(inputs, "after the registry came back");
                Waits.until(
                        () -> ready(service).statusCode() == 200,
                        "/health/ready 200 after the outage",
                        Duration.ofSeconds(60));
                boolean aliveAfter = service.alive();
                service.stop();
                ledger.report(
                        SUITE,
                        "registry unreachable 20 s mid-run; half the images use a schema id the "
                                + "service has not seen",
                        inputs,
                        "service alive during outage: " + aliveDuringOutage
                                + ", after: " + aliveAfter + "; dead letters written during the outage: "
                                + deadDuringOutage
                                + "; /health/ready during the outage: "
                                + (notReady == null ? "never 503" : notReady.statusCode() + " " + notReady.body())
                                + "; after: 200");
                assertThat(aliveDuringOutage)
                        .as("the service waits for the registry")
                        .isTrue();
                assertThat(aliveAfter).isTrue();
                assertThat(notReady)
                        .as("/health/ready answered 503 during the outage")
                        .isNotNull();
                assertThat(notReady.body())
                        .contains("\"status\":\"DOWN\"", "schema registry unavailable")
                        .doesNotContain("password", "Authorization");
                assertExactlyOnceAllClassified(ledger, inputs);
            } finally {
                service.close();
                suite.registry().startAgain();
            }
        }
    }

    @Test
    void registryUnreachableAtStart() throws Exception {
        try (Workload w = suite.workload("registry-start")) {
            List<String> inputs;
            ServiceProcess first = ServiceProcess.start("registry-start-1", dir, suite.settings(w, "a"), "WARN");
            first.awaitRunning();
            try (Ledger ledger = w.ledger()) {
                inputs = new ArrayList<>(w.publishLabelsAndProbe(ledger));
                first.stop();
                List<String> images = new ArrayList<>();
                List<byte[]> values = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    images.add("cold-" + i);
                    values.add(w.goodImage("cold-" + i, i));
                }
                suite.registry().stop();
                for (int i = 0; i < images.size(); i++) {
                    w.sendImage(images.get(i), values.get(i));
                }
                inputs.addAll(images);
                // A fresh JVM has no schema cached: it needs the registry for the first image and every output.
                ServiceProcess second = ServiceProcess.start("registry-start-2", dir, suite.settings(w, "a"), "WARN");
                boolean aliveDuringOutage;
                int deadDuringOutage;
                try {
                    Thread.sleep(25_000);
                    aliveDuringOutage = second.alive();
                    deadDuringOutage = (int) images.stream()
                            .filter(ledger.poll().deadLetters::containsKey)
                            .count();
                    suite.registry().startAgain();
                    ledger.awaitAll(inputs, "after the registry came up");
                } finally {
                    suite.registry().startAgain();
                    second.stop();
                }
                ledger.report(
                        SUITE,
                        "registry unreachable when the service starts, up 25 s later",
                        inputs,
                        "service alive during outage: " + aliveDuringOutage + "; dead letters during the outage: "
                                + deadDuringOutage);
                assertThat(aliveDuringOutage)
                        .as("the service waits for the registry")
                        .isTrue();
                assertExactlyOnceAllClassified(ledger, inputs);
            }
        }
    }

    @Test
    void twoInstancesShareTheInputAndOneIsKilled() throws Exception {
        try (Workload w = suite.workload("pair")) {
            ServiceProcess a = ServiceProcess.start("pair-a", dir, suite.settings(w, "a"), "WARN");
            ServiceProcess b = ServiceProcess.start("pair-b", dir, suite.settings(w, "b"), "WARN");
            try (Ledger ledger = w.ledger();
                    Admin admin = Admin.create(
                            Map.of("bootstrap.servers", suite.broker().bootstrapServers()))) {
                a.awaitRunning();
                b.awaitRunning();
                List<String> inputs = new ArrayList<>(w.publishLabelsAndProbe(ledger));
                Waits.until(() -> membersWithPartitions(admin, w.name) == 2, "both instances to own partitions");
                inputs.addAll(sendImages(w, "img-", 240));
                Waits.until(
                        () -> ledger.poll().outputs.keySet().stream()
                                        .filter(k -> k.startsWith("img-"))
                                        .count()
                                >= 40,
                        "40 answers before the kill");
                a.kill();
                int atKill = ledger.poll().outputs.size();
                ledger.awaitAll(inputs, "after one of two instances was killed");
                boolean survivorAlive = b.alive();
                int members = membersWithPartitions(admin, w.name);
                ledger.report(
                        SUITE,
                        "two instances share the input; one SIGKILLed mid-stream",
                        inputs,
                        atKill + " answered at the kill; the survivor owns the partitions (" + members + " member)");
                assertThat(survivorAlive).isTrue();
                assertExactlyOnceAllClassified(ledger, inputs);
                assertThat(atKill).as("the kill came mid-stream").isLessThan(inputs.size());
            } finally {
                a.close();
                b.stop();
            }
        }
    }

    private static int membersWithPartitions(Admin admin, String group) {
        try {
            ConsumerGroupDescription d =
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group);
            return (int) d.members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty())
                    .count();
        } catch (Exception e) {
            return -1;
        }
    }

    private static List<String> sendImages(Workload w, String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            keys.add(id);
            w.sendImageAsync(id, w.goodImage(id, prefix.hashCode() * 1000L + i));
        }
        w.flush();
        return keys;
    }

    /** The same ImageEvent framed with the v2 schema id: v1's body plus the new int field (0, one zig-zag byte). */
    private static byte[] withSchemaV2(byte[] v1, int v2Id) {
        byte[] body = Arrays.copyOfRange(v1, WireFormat.HEADER_SIZE, v1.length);
        byte[] out = new byte[WireFormat.HEADER_SIZE + body.length + 1];
        System.arraycopy(WireFormat.header(v2Id), 0, out, 0, WireFormat.HEADER_SIZE);
        System.arraycopy(body, 0, out, WireFormat.HEADER_SIZE, body.length);
        return out;
    }

    /** One GET of /health/ready (the ops endpoint stays up through every outage: no answer fails the test). */
    private static HttpResponse<String> ready(ServiceProcess service) {
        try {
            return service.http("GET", "/health/ready");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("/health/ready did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void assertExactlyOnceAllClassified(Ledger ledger, List<String> inputs) {
        assertExactlyOnceAllClassifiedExcept(ledger, inputs, List.of());
    }

    /** Exactly one output per input, and a classification for each one not in {@code bad} (probes may miss). */
    static void assertExactlyOnceAllClassifiedExcept(Ledger ledger, List<String> inputs, List<String> bad) {
        java.util.Set<String> badSet = new java.util.HashSet<>(bad);
        ledger.poll();
        assertThat(ledger.duplicates(inputs))
                .as("inputs with more than one output")
                .isEmpty();
        assertThat(ledger.missing(inputs)).as("inputs without an output").isEmpty();
        Map<String, String> dead = new java.util.TreeMap<>();
        inputs.stream()
                .filter(ledger.deadLetters::containsKey)
                .filter(k -> !k.startsWith("probe-"))
                .filter(k -> !badSet.contains(k))
                .forEach(k ->
                        dead.put(k, ledger.code(k) + ": " + ledger.deadLetter(k).getMessage()));
        assertThat(dead).as("good images that were dead-lettered").isEmpty();
    }
}

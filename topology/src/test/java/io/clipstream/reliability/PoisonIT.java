package io.clipstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.clipstream.schemas.DeadLetter;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelSet;
import io.clipstream.topology.TinyClip;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single records that once stopped the service on every restart, against the real broker with the limits the
 * project ships (message.max.bytes 16 MiB, as in docker-compose.yml) and the service's defaults otherwise: each
 * poison record must end as exactly one output, the process must stay up, the good images sent behind the poison
 * must be classified within {@link #GOOD_IMAGE_BOUND}, and all of it must hold again after a SIGTERM and a restart.
 * A second test is the crash-loop guard: for every dead-letter code an input can cause, a SIGKILL right after the
 * bad record was answered, and a restart that must not answer it again.
 */
class PoisonIT {
    private static final String SUITE = "poison";
    /** Each good image sent behind the poison records is classified within this time of being sent. */
    private static final Duration GOOD_IMAGE_BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private static SuiteFixture suite;
    private static HttpServer slowHost;

    @BeforeAll
    static void start() throws IOException {
        suite = SuiteFixture.start(dir, "reliability-poison");
        slowHost = slowServer();
    }

    @AfterAll
    static void stop() {
        if (slowHost != null) {
            slowHost.stop(0);
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void noPoisonRecordStopsTheServiceBeforeOrAfterARestart() throws Exception {
        try (Workload w = suite.workload("poison")) {
            Map<String, String> settings = withFetch(suite.settings(w, "a"));
            ServiceProcess service = ServiceProcess.start("poison", dir, settings, "WARN");
            List<String> all = new ArrayList<>();
            Map<String, ErrorCode> expected = new LinkedHashMap<>();
            try (Ledger ledger = w.ledger()) {
                service.awaitRunning();
                all.addAll(w.publishLabelsAndProbe(ledger));

                // 1. an inline image record as large as the broker accepts
                byte[] largest = largestAccepted(w, "largest");
                expected.put("largest", ErrorCode.CORRUPT_IMAGE);
                // 2. attributes that make the classification larger than any output topic accepts
                ImageEvent fat = Workload.inline("fat", Workload.LABEL_SET, TinyClip.png(5, 32, 32));
                fat.setAttributes(
                        Map.of("note", "n".repeat(16_740_000))); // fits the broker, its classification does not
                w.sendImage("fat", w.eventBytes(fat));
                expected.put("fat", ErrorCode.RECORD_TOO_LARGE);
                // 3. a key longer than any real id
                String longKey = "k".repeat(100_000);
                w.sendImage(longKey, w.goodImage("long-key", 3));
                // 4. 10,000 labels x 1,000 templates: over the prompt budget
                w.sendLabelSet("huge", w.labelSetBytes(labels("huge", 10_000, 1_000, null)));
                expected.put("huge", ErrorCode.INVALID_LABEL_SET);
                // 5. a threshold outside the cosine range
                w.sendLabelSet("five", w.labelSetBytes(labels("five", 2, 1, 5.0f)));
                expected.put("five", ErrorCode.INVALID_LABEL_SET);
                // 6. random bytes that say they are a JPEG
                byte[] noise = new byte[5_000];
                new Random(6).nextBytes(noise);
                ImageEvent jpeg = Workload.inline("noise", Workload.LABEL_SET, noise);
                jpeg.setContentType("image/jpeg");
                w.sendImage("noise", w.eventBytes(jpeg));
                expected.put("noise", ErrorCode.CORRUPT_IMAGE);
                // 7. URLs of a host that sends one byte a second, then good images right behind them
                String slow = "http://127.0.0.1:" + slowHost.getAddress().getPort() + "/slow.png";
                for (int i = 0; i < 10; i++) {
                    w.sendImage("slow-" + i, w.eventBytes(Workload.url("slow-" + i, Workload.LABEL_SET, slow)));
                    expected.put("slow-" + i, ErrorCode.FETCH_FAILED);
                }
                // 8. a realistic large label set, encoding while images flow
                w.sendLabelSet("big", w.labelSetBytes(labels("big", 1_000, 20, null)));

                List<String> goods = sendGoodAndAwait(w, ledger, "good-a-", 20);
                String readiness = service.http("GET", "/health/ready").body();
                all.addAll(goods);
                all.addAll(expected.keySet());
                ledger.awaitAll(expected.keySet(), "every poison record");
                assertThat(service.alive())
                        .as("the service survived the poison")
                        .isTrue();
                assertOneOutputEach(ledger, expected, all);
                assertThat(ledger.code(longKeyPrefix(longKey)))
                        .as("the long key, cut")
                        .isEqualTo(ErrorCode.RECORD_TOO_LARGE);
                DeadLetter cut = ledger.deadLetter("largest");
                assertThat(cut.getOriginalTruncated()).isTrue();
                assertThat(cut.getOriginalSize()).isEqualTo(largest.length);
                assertThat(bytes(cut.getOriginalSha256()))
                        .isEqualTo(MessageDigest.getInstance("SHA-256").digest(largest));
                assertThat(ledger.deadLetter("huge").getMessage()).contains("label.set.max.prompts");
                ledger.report(
                        SUITE,
                        "poison records, then good images",
                        all,
                        "service alive: " + service.alive() + "; /health/ready when the good images were done: "
                                + readiness);

                assertThat(service.stop()).as("SIGTERM exit code").isEqualTo(143);
                service = ServiceProcess.start("poison-restarted", dir, settings, "WARN");
                service.awaitRunning();
                List<String> after = sendGoodAndAwait(w, ledger, "good-b-", 10);
                all.addAll(after);
                awaitReady(service, w, ledger, "big");
                assertOneOutputEach(ledger, expected, all);
                assertThat(ledger.outputs.get(longKeyPrefix(longKey))).isEqualTo(1);
                assertThat(service.alive()).isTrue();
                ledger.report(SUITE, "after SIGTERM and restart", after, "no poison record answered twice");
            } finally {
                service.close();
            }
        }
    }

    @Test
    void aRestartRightAfterABadRecordDoesNotSeeItAgainForAnyCode() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        try (Workload w = suite.workload("crash-loop")) {
            Map<String, String> settings = withFetch(suite.settings(w, "a"));
            settings.put("kafka.producer.max.request.size", "1048576"); // outputs over 1 MiB cannot be written
            ServiceProcess service = ServiceProcess.start("crash-loop", dir, settings, "WARN");
            try (Ledger ledger = w.ledger()) {
                service.awaitRunning();
                w.publishLabelsAndProbe(ledger);
                Map<String, ErrorCode> bad = new LinkedHashMap<>();
                Map<String, byte[]> images = new LinkedHashMap<>();
                images.put(
                        "corrupt",
                        w.eventBytes(Workload.inline("corrupt", Workload.LABEL_SET, "not an image".getBytes())));
                bad.put("corrupt", ErrorCode.CORRUPT_IMAGE);
                images.put("tiff", w.eventBytes(Workload.inline("tiff", Workload.LABEL_SET, new byte[] {
                    'I', 'I', 0x2A, 0, 8, 0, 0, 0, 0, 0
                })));
                bad.put("tiff", ErrorCode.UNSUPPORTED_IMAGE);
                images.put(
                        "bomb",
                        w.eventBytes(Workload.inline("bomb", Workload.LABEL_SET, TinyClip.pngHeader(40_000, 40_000))));
                bad.put("bomb", ErrorCode.IMAGE_TOO_LARGE);
                images.put("no-set", w.eventBytes(Workload.inline("no-set", "nope", TinyClip.png(1, 32, 32))));
                bad.put("no-set", ErrorCode.UNKNOWN_LABEL_SET);
                images.put("garbage", new byte[] {0, 0, 0, 0x7f, 0x12, 1, 2, 3});
                bad.put("garbage", ErrorCode.UNREADABLE_RECORD);
                images.put(
                        "closed",
                        w.eventBytes(Workload.url(
                                "closed", Workload.LABEL_SET, "http://127.0.0.1:" + closedPort + "/x.png")));
                bad.put("closed", ErrorCode.FETCH_FAILED);
                images.put("ftp", w.eventBytes(Workload.url("ftp", Workload.LABEL_SET, "ftp://127.0.0.1/x.png")));
                bad.put("ftp", ErrorCode.FETCH_REFUSED);
                ImageEvent fat = Workload.inline("fat", Workload.LABEL_SET, TinyClip.png(2, 32, 32));
                fat.setAttributes(Map.of("note", "n".repeat(1_500_000)));
                images.put("fat", w.eventBytes(fat));
                bad.put("fat", ErrorCode.RECORD_TOO_LARGE);
                bad.put("threshold", ErrorCode.INVALID_LABEL_SET);

                for (Map.Entry<String, ErrorCode> e : bad.entrySet()) {
                    if (e.getKey().equals("threshold")) {
                        w.sendLabelSet("threshold", w.labelSetBytes(labels("threshold", 1, 1, -5.0f)));
                    } else {
                        w.sendImage(e.getKey(), images.get(e.getKey()));
                    }
                    ledger.awaitAll(List.of(e.getKey()), "the dead letter of " + e.getKey());
                    assertThat(ledger.code(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                    service.kill(); // right after the bad record was answered
                    service = ServiceProcess.start("crash-loop-" + e.getKey(), dir, settings, "WARN");
                    service.awaitRunning();
                    String good = "good-after-" + e.getKey();
                    w.sendImage(good, w.goodImage(good, e.getKey().hashCode()));
                    ledger.awaitAll(List.of(good), "a good image after the restart");
                    assertThat(ledger.classified).contains(good);
                    assertThat(ledger.poll().outputs.get(e.getKey()))
                            .as("outputs of %s after the restart", e.getKey())
                            .isEqualTo(1);
                }
                ledger.report(
                        SUITE,
                        "SIGKILL right after each dead-letter code",
                        bad.keySet(),
                        "codes: " + bad.values() + "; MODEL_ERROR and INTERNAL_ERROR cannot be caused by input");
            } finally {
                service.close();
            }
        }
    }

    /**
     * Waits until the instance has label set {@code setId} encoded (its readiness lists no set under way), then
     * sends probe images against it until one is classified (the global table loads the new labels a moment after
     * they are committed; a probe before that is an UNKNOWN_LABEL_SET dead letter, still one output).
     */
    private static void awaitReady(ServiceProcess service, Workload w, Ledger ledger, String setId) throws Exception {
        Waits.until(
                () -> {
                    try {
                        return !service.http("GET", "/health/ready").body().contains("labelSetsEncoding");
                    } catch (IOException | InterruptedException e) {
                        return false;
                    }
                },
                "label set " + setId + " encoded");
        for (int i = 0; i < 50; i++) {
            String probe = setId + "-probe-" + i;
            w.sendImage(probe, w.eventBytes(Workload.inline(probe, setId, TinyClip.png(77, 32, 32))));
            ledger.awaitAll(List.of(probe), "an image against label set " + setId);
            if (ledger.classified.contains(probe)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no image was classified against label set " + setId);
    }

    /** Fetching on, for 127.0.0.1 only. */
    private static Map<String, String> withFetch(Map<String, String> settings) {
        settings.put("fetch.enabled", "true");
        settings.put("fetch.allowed.hosts", "127.0.0.1");
        settings.put("fetch.allowed.addresses", "127.0.0.1");
        settings.put("fetch.connect.timeout.ms", "1000");
        settings.put("fetch.read.timeout.ms", "3000");
        return settings;
    }

    /** Sends {@code count} good images and waits for each within the bound; returns their keys. */
    private static List<String> sendGoodAndAwait(Workload w, Ledger ledger, String prefix, int count)
            throws InterruptedException {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(prefix + i);
            w.sendImage(prefix + i, w.goodImage(prefix + i, prefix.hashCode() + i));
        }
        Waits.until(() -> ledger.answeredAll(keys), "good images within " + GOOD_IMAGE_BOUND, GOOD_IMAGE_BOUND);
        assertThat(keys).allMatch(ledger.classified::contains);
        return keys;
    }

    private static void assertOneOutputEach(Ledger ledger, Map<String, ErrorCode> expected, List<String> all) {
        ledger.poll();
        assertThat(ledger.duplicates(all))
                .as("inputs with more than one output")
                .isEmpty();
        assertThat(ledger.missing(all)).as("inputs with no output").isEmpty();
        Map<String, ErrorCode> got = new LinkedHashMap<>();
        expected.keySet().forEach(k -> got.put(k, ledger.code(k)));
        assertThat(got).isEqualTo(expected);
    }

    /** The dead letter of an over-long key is written under the key's first 64 KiB. */
    private static String longKeyPrefix(String key) {
        return key.substring(0, 64 * 1024);
    }

    /**
     * Sends an inline image of random bytes as large as the broker takes: the value starts just under the broker's
     * message.max.bytes and shrinks by 256 bytes until the broker accepts it. Returns the value sent.
     */
    private static byte[] largestAccepted(Workload w, String key) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        w.bootstrap,
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        64 << 20,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            byte[] image = new byte[(16 << 20) - 64];
            new Random(1).nextBytes(image);
            for (int size = image.length; ; size -= 256) {
                ImageEvent event = Workload.inline(key, Workload.LABEL_SET, java.util.Arrays.copyOf(image, size));
                byte[] value = w.eventBytes(event);
                try {
                    producer.send(new ProducerRecord<>(w.topic("images"), key.getBytes(StandardCharsets.UTF_8), value))
                            .get();
                    return value;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof RecordTooLargeException)) {
                        throw e;
                    }
                }
            }
        }
    }

    private static LabelSet labels(String id, int labels, int templates, Float threshold) {
        List<Label> list = new ArrayList<>(labels);
        for (int i = 0; i < labels; i++) {
            list.add(Label.newBuilder()
                    .setName("label " + i)
                    .setPrompts(null)
                    .setThreshold(threshold)
                    .build());
        }
        List<String> t = new ArrayList<>(templates);
        for (int i = 0; i < templates; i++) {
            t.add("template " + i + " of a {}.");
        }
        return LabelSet.newBuilder()
                .setId(id)
                .setVersion(1)
                .setLabels(list)
                .setTemplates(t)
                .setTopK(3)
                .setDescription(null)
                .build();
    }

    /** A host that answers every request with a PNG header, one byte a second, until the client gives up. */
    private static HttpServer slowServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "slow-host");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/slow.png", ex -> {
            byte[] body = TinyClip.png(9, 32, 32);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (byte b : body) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(1_000);
                }
            } catch (InterruptedException | IOException e) {
                // the client hung up
            }
        });
        server.start();
        return server;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }
}

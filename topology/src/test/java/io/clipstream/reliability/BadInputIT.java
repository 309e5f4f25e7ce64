package io.clipstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.ImageEvent;
import io.clipstream.schemas.Label;
import io.clipstream.schemas.LabelSet;
import io.clipstream.schemas.serde.WireFormat;
import io.clipstream.topology.TinyClip;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and unusual input against the running service: each bad record must end as exactly one dead letter with
 * the precise code and the original bytes, each unusual-but-valid image as one classification, and the good image
 * sent right after every attack must still be classified. URL attacks go to a server on 127.0.0.1 (fetching on,
 * with an allow-list); no address outside 127.0.0.1 is ever contacted (the private and unknown hosts are refused
 * before any connection). Checkpoint attacks are given to {@code clipstream run} as its model.
 */
class BadInputIT {
    private static final String SUITE = "bad input";
    private static final long MAX_IMAGE_BYTES = 1 << 20;
    /** Marks a case whose right outcome is a classification. */
    private static final ErrorCode CLASSIFIED = null;

    @TempDir
    static Path dir;

    private static SuiteFixture suite;
    private static HttpServer images;

    private record Attack(String name, String key, boolean labelSet, byte[] value, ErrorCode expected) {}

    @BeforeAll
    static void start() throws Exception {
        suite = SuiteFixture.start(dir, "reliability-bad-input");
        images = imageServer();
    }

    @AfterAll
    static void stop() {
        if (images != null) {
            images.stop(0);
        }
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void everyAttackEndsAsOneOutputWithTheRightCodeAndTheServiceGoesOn() throws Exception {
        try (Workload w = suite.workload("attacks")) {
            Map<String, String> settings = suite.settings(w, "a");
            settings.put("image.max.bytes", String.valueOf(MAX_IMAGE_BYTES));
            settings.put("fetch.enabled", "true");
            settings.put("fetch.allowed.hosts", "127.0.0.1,10.9.8.7");
            settings.put("fetch.allowed.addresses", "127.0.0.1");
            settings.put("fetch.connect.timeout.ms", "1000");
            settings.put("fetch.read.timeout.ms", "1500");
            ServiceProcess service = ServiceProcess.start("attacks", dir, settings, "WARN");
            try (Ledger ledger = w.ledger()) {
                service.awaitRunning();
                List<String> probes = w.publishLabelsAndProbe(ledger);
                List<Attack> attacks = attacks(w);
                List<String> goods = new ArrayList<>();
                for (Attack a : attacks) {
                    if (a.labelSet) {
                        w.sendLabelSet(a.key, a.value);
                    } else {
                        w.sendImage(a.key, a.value);
                    }
                    String good = "good-after-" + a.key;
                    goods.add(good);
                    w.sendImage(good, w.goodImage(good, goods.size()));
                }
                List<String> all = new ArrayList<>(probes);
                attacks.forEach(a -> all.add(a.key));
                all.addAll(goods);
                ledger.awaitAll(all, "every attack and every good image after it");

                Map<String, String> wrong = new LinkedHashMap<>();
                for (Attack a : attacks) {
                    ErrorCode got = ledger.code(a.key);
                    boolean classified = ledger.classified.contains(a.key);
                    String outcome = classified ? "classified" : String.valueOf(got);
                    boolean right =
                            a.expected == CLASSIFIED ? classified && got == null : got == a.expected && !classified;
                    boolean originalKept = got == null || Arrays.equals(ledger.original(a.key), a.value);
                    String message = got == null ? "" : ledger.deadLetter(a.key).getMessage();
                    ledger.report(
                            SUITE,
                            a.name,
                            List.of(a.key, "good-after-" + a.key),
                            "expected "
                                    + (a.expected == CLASSIFIED ? "classified" : a.expected) + ", got " + outcome
                                    + (got == null
                                            ? ""
                                            : "; original bytes kept: " + originalKept + "; message: "
                                                    + shorten(message)));
                    if (!right || !originalKept) {
                        wrong.put(
                                a.name,
                                "expected " + (a.expected == CLASSIFIED ? "classified" : a.expected) + ", got "
                                        + outcome + " (" + message + "), original kept: " + originalKept);
                    }
                }
                assertThat(wrong).as("attacks with the wrong outcome").isEmpty();
                assertThat(ledger.duplicates(all))
                        .as("inputs with more than one output")
                        .isEmpty();
                assertThat(goods).as("good images after the attacks").allMatch(ledger.classified::contains);
                assertThat(service.alive()).isTrue();
                assertThat(service.http("GET", "/health/live").statusCode()).isEqualTo(200);
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void aTruncatedOrPoisonedCheckpointStopsTheServiceWithAClearError() throws Exception {
        Path truncated = copyModel("truncated-model");
        Path weights = truncated.resolve("open_clip_model.safetensors");
        byte[] full = Files.readAllBytes(weights);
        Files.write(weights, Arrays.copyOf(full, full.length / 2));

        Path poisoned = copyModel("poisoned-model");
        Files.delete(poisoned.resolve("open_clip_model.safetensors"));
        try (ZipOutputStream zip =
                new ZipOutputStream(Files.newOutputStream(poisoned.resolve("open_clip_pytorch_model.bin")))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            // protocol 2, GLOBAL 'os system', MARK, SHORT_BINUNICODE 'touch /tmp/pwned', TUPLE, REDUCE, STOP
            byte[] cmd = "touch /tmp/clipstream-pwned".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer pickle = ByteBuffer.allocate(64 + cmd.length);
            pickle.put(new byte[] {(byte) 0x80, 2})
                    .put("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII))
                    .put((byte) '(')
                    .put((byte) 0x8c)
                    .put((byte) cmd.length)
                    .put(cmd)
                    .put((byte) 't')
                    .put((byte) 'R')
                    .put((byte) '.');
            zip.write(pickle.array(), 0, pickle.position());
            zip.closeEntry();
        }
        for (Map.Entry<String, Path> c : Map.of(
                        "truncated safetensors checkpoint",
                        truncated,
                        "PyTorch checkpoint whose pickle calls os.system",
                        poisoned)
                .entrySet()) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("bootstrap.servers", suite.broker().bootstrapServers());
            settings.put("schema.registry.url", suite.registry().url());
            settings.put("model.dir", c.getValue().toString());
            settings.put("http.bind.address", "127.0.0.1");
            settings.put("http.port", "0");
            settings.put("state.dir", dir.resolve("state-checkpoint").toString());
            ServiceProcess service =
                    ServiceProcess.start(c.getValue().getFileName().toString(), dir, settings, "WARN");
            int exit = service.awaitExit(Duration.ofMinutes(2));
            String error = service.log()
                    .lines()
                    .filter(l -> l.startsWith("error:"))
                    .findFirst()
                    .orElse("(none)");
            ReliabilityReport.row(
                    SUITE,
                    c.getKey() + " as the model",
                    1,
                    0,
                    0,
                    0,
                    0,
                    "exit " + exit,
                    "the service refuses to start: " + error);
            assertThat(exit).as(c.getKey()).isEqualTo(1);
            assertThat(error).as(c.getKey()).containsAnyOf("truncated", "forbidden pickle global: os.system");
        }
        assertThat(Path.of("/tmp/clipstream-pwned")).doesNotExist();
    }

    private static Path copyModel(String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (var files = Files.list(suite.model())) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static List<Attack> attacks(Workload w) throws IOException {
        Random random = new Random(6);
        byte[] randomBytes = new byte[1024];
        random.nextBytes(randomBytes);
        byte[] good = w.goodImage("shape", 77);
        String url = "http://127.0.0.1:" + images.getAddress().getPort();
        List<Attack> list = new ArrayList<>();
        // Records that are not ImageEvents at all
        list.add(image(w, "record value of zero bytes", new byte[0], ErrorCode.UNREADABLE_RECORD));
        list.add(image(w, "record value of 1 KB random bytes", randomBytes, ErrorCode.UNREADABLE_RECORD));
        list.add(image(w, "tombstone (null value) on images", null, ErrorCode.UNREADABLE_RECORD));
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;
        list.add(image(w, "Avro with a wrong magic byte", wrongMagic, ErrorCode.UNREADABLE_RECORD));
        byte[] unknownId = good.clone();
        System.arraycopy(WireFormat.header(987_654), 0, unknownId, 0, WireFormat.HEADER_SIZE);
        list.add(image(w, "Avro with an unknown schema id", unknownId, ErrorCode.UNREADABLE_RECORD));
        list.add(image(w, "Avro payload truncated", Arrays.copyOf(good, good.length / 2), ErrorCode.UNREADABLE_RECORD));
        // Image bytes
        byte[] jpeg = fixture("rgb.jpg");
        byte[] png = TinyClip.png(3, 64, 64);
        list.add(inline(w, "image of zero bytes", new byte[0], ErrorCode.CORRUPT_IMAGE));
        list.add(inline(w, "image of 1 KB random bytes", randomBytes, ErrorCode.CORRUPT_IMAGE));
        list.add(inline(
                w,
                "image of 1 KB random bytes labelled image/jpeg",
                randomBytes,
                "image/jpeg",
                ErrorCode.CORRUPT_IMAGE));
        list.add(inline(w, "truncated JPEG", Arrays.copyOf(jpeg, jpeg.length / 2), ErrorCode.CORRUPT_IMAGE));
        list.add(inline(w, "truncated PNG", Arrays.copyOf(png, png.length / 2), ErrorCode.CORRUPT_IMAGE));
        list.add(inline(
                w,
                "PNG declaring 30,000 × 30,000 pixels",
                TinyClip.pngHeader(30_000, 30_000),
                ErrorCode.IMAGE_TOO_LARGE));
        byte[] progressive = progressiveJpeg();
        list.add(inline(w, "progressive JPEG", progressive, CLASSIFIED));
        list.add(inline(
                w,
                "progressive JPEG of 600 scans (last scan repeated; limit 500)",
                withScans(progressive, 600),
                ErrorCode.IMAGE_TOO_LARGE));
        list.add(inline(w, "16-bit greyscale PNG (Pillow)", fixture("grey16.png"), CLASSIFIED));
        list.add(inline(w, "palette PNG (Pillow)", fixture("palette.png"), CLASSIFIED));
        list.add(inline(w, "greyscale JPEG (Pillow)", fixture("grey.jpg"), CLASSIFIED));
        list.add(inline(w, "CMYK JPEG (Pillow)", fixture("cmyk.jpg"), CLASSIFIED));
        list.add(inline(w, "WebP (Pillow)", fixture("image.webp"), CLASSIFIED));
        list.add(inline(w, "animated GIF, 3 frames (Pillow)", fixture("animated.gif"), CLASSIFIED));
        list.add(inline(w, "TIFF (Pillow)", fixture("image.tiff"), ErrorCode.UNSUPPORTED_IMAGE));
        list.add(inline(
                w,
                "HEIC header (ftyp heic)",
                new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1'},
                ErrorCode.UNSUPPORTED_IMAGE));
        byte[] big = new byte[(int) MAX_IMAGE_BYTES + 500_000];
        System.arraycopy(png, 0, big, 0, png.length);
        list.add(inline(w, "inline image over the byte limit (1.5 MB, limit 1 MB)", big, ErrorCode.IMAGE_TOO_LARGE));
        // URLs
        list.add(byUrl(
                w,
                "URL on an allowed host that is a private address (10.9.8.7)",
                "http://10.9.8.7/a.png",
                ErrorCode.FETCH_REFUSED));
        list.add(byUrl(
                w,
                "URL on a host not on the allow-list",
                "http://images.example.invalid/a.png",
                ErrorCode.FETCH_REFUSED));
        list.add(byUrl(w, "URL with the file: scheme", "file:///etc/passwd", ErrorCode.FETCH_REFUSED));
        list.add(byUrl(w, "URL redirecting to another host", url + "/redirect", ErrorCode.FETCH_FAILED));
        list.add(byUrl(w, "URL of a server slower than the read timeout", url + "/slow", ErrorCode.FETCH_FAILED));
        list.add(byUrl(w, "URL with a 5 MB chunked body (limit 1 MB)", url + "/huge", ErrorCode.IMAGE_TOO_LARGE));
        list.add(byUrl(w, "URL of a good PNG on the allowed 127.0.0.1 server", url + "/good.png", CLASSIFIED));
        list.add(image(
                w,
                "image naming a label set that does not exist",
                w.eventBytes(Workload.inline("x", "no-such-set", png)),
                ErrorCode.UNKNOWN_LABEL_SET));
        // Label sets
        List<String> t = List.of("a photo of a {}.");
        list.add(labels(w, "label set with no labels", Workload.labelSet("empty", t), ErrorCode.INVALID_LABEL_SET));
        String[] many = new String[10_001];
        for (int i = 0; i < many.length; i++) {
            many[i] = "label " + i;
        }
        list.add(labels(
                w,
                "label set with 10,001 labels (default limit 10,000)",
                Workload.labelSet("many", t, many),
                ErrorCode.INVALID_LABEL_SET));
        list.add(labels(
                w,
                "label set with duplicate names",
                Workload.labelSet("dup", t, "cat", "dog", "cat"),
                ErrorCode.INVALID_LABEL_SET));
        list.add(labels(
                w,
                "template without {}",
                Workload.labelSet("notemplate", List.of("a photo"), "cat"),
                ErrorCode.INVALID_LABEL_SET));
        LabelSet longPrompt = Workload.labelSet("longprompt", t, "cat");
        longPrompt.setLabels(List.of(Label.newBuilder()
                .setName("cat")
                .setPrompts(List.of("a".repeat(10_000)))
                .setThreshold(null)
                .build()));
        list.add(labels(w, "a 10,000-character prompt", longPrompt, ErrorCode.INVALID_LABEL_SET));
        list.add(new Attack(
                "label-set record of random bytes", "garbage-set", true, randomBytes, ErrorCode.UNREADABLE_RECORD));
        return list;
    }

    private static int counter;

    private static Attack image(Workload w, String name, byte[] value, ErrorCode expected) {
        return new Attack(name, "attack-" + (++counter), false, value, expected);
    }

    private static Attack inline(Workload w, String name, byte[] image, ErrorCode expected) {
        return inline(w, name, image, null, expected);
    }

    private static Attack inline(Workload w, String name, byte[] image, String contentType, ErrorCode expected) {
        String key = "attack-" + (++counter);
        ImageEvent event = Workload.inline(key, Workload.LABEL_SET, image);
        event.setContentType(contentType);
        return new Attack(name, key, false, w.eventBytes(event), expected);
    }

    private static Attack byUrl(Workload w, String name, String url, ErrorCode expected) {
        String key = "attack-" + (++counter);
        return new Attack(name, key, false, w.eventBytes(Workload.url(key, Workload.LABEL_SET, url)), expected);
    }

    private static Attack labels(Workload w, String name, LabelSet set, ErrorCode expected) {
        return new Attack(name, set.getId(), true, w.labelSetBytes(set), expected);
    }

    /** A 96x64 progressive JPEG from ImageIO's writer. */
    private static byte[] progressiveJpeg() throws IOException {
        java.awt.image.BufferedImage image =
                new java.awt.image.BufferedImage(96, 64, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(7);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        javax.imageio.ImageWriter writer =
                javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** {@code jpeg} with its last scan repeated until it has {@code scans} start-of-scan markers. */
    private static byte[] withScans(byte[] jpeg, int scans) {
        int last = -1;
        int count = 0;
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xDA) {
                last = i;
                count++;
            }
        }
        int end = jpeg.length - 2; // EOI
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(jpeg, 0, end);
        for (int i = count; i < scans; i++) {
            out.write(jpeg, last, end - last);
        }
        out.write(jpeg, end, 2);
        return out.toByteArray();
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = BadInputIT.class.getResourceAsStream("/reliability/" + name)) {
            if (in == null) {
                throw new IOException(
                        "missing fixture " + name + " (run topology/src/test/python/make_attack_images.py)");
            }
            return in.readAllBytes();
        }
    }

    /** The URL attacks' server on 127.0.0.1: a good PNG, a redirect, a slow answer and an endless-looking body. */
    private static HttpServer imageServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        byte[] good = TinyClip.png(11, 64, 64);
        server.createContext("/good.png", ex -> {
            ex.getResponseHeaders().set("Content-Type", "image/png");
            ex.sendResponseHeaders(200, good.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(good);
            }
        });
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().set("Location", "http://elsewhere.example.invalid/a.png");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(6_000);
                ex.sendResponseHeaders(200, good.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(good);
                }
            } catch (InterruptedException | IOException e) {
                ex.close();
            }
        });
        server.createContext("/huge", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no length declared
            byte[] chunk = new byte[64 << 10];
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 80; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                ex.close(); // the client hung up at its limit
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread th = new Thread(r, "attack-image-server");
            th.setDaemon(true);
            return th;
        }));
        server.start();
        return server;
    }

    private static String shorten(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "…";
    }
}

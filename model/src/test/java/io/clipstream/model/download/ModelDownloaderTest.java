package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDownloaderTest {
    private static final String WEIGHTS_REPO = "laion/fake-clip";
    private static final String TEXT_REPO = "FacebookAI/fake-roberta";
    /** Short pauses so retries do not slow the tests; the stall limit only matters in the stall test. */
    private static final DownloadPolicy FAST = new DownloadPolicy(
            Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30), 4, Duration.ofMillis(10), 5);

    private static final ModelFiles MODEL = new ModelFiles(
            "fake-model",
            List.of(
                    new RepoFile(WEIGHTS_REPO, "open_clip_pytorch_model.bin", 1 << 20),
                    new RepoFile(TEXT_REPO, "tokenizer.json", 1 << 16),
                    new RepoFile(TEXT_REPO, "config.json", 1 << 16)));

    private final byte[] weights = new byte[300_000];
    private final byte[] tokenizer = "{\"model\": {\"type\": \"BPE\"}}\n".getBytes();
    private final byte[] config = "{\"hidden_size\": 768}\n".getBytes();
    private final Recorder progress = new Recorder();
    private FakeHub hub;

    @TempDir
    Path dir;

    @BeforeEach
    void startHub() throws IOException {
        new Random(42).nextBytes(weights);
        hub = new FakeHub();
        hub.addLfs(WEIGHTS_REPO, "open_clip_pytorch_model.bin", weights);
        hub.addSmall(TEXT_REPO, "tokenizer.json", tokenizer);
        hub.addSmall(TEXT_REPO, "config.json", config);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    private ModelDownloader downloader(DownloadPolicy policy) {
        return new ModelDownloader(new HubEndpoint(hub.endpoint()), "main", progress, policy);
    }

    @Test
    void downloadsEveryFileFollowingTheCdnRedirect() throws IOException {
        Path out = downloader(FAST).download(MODEL, dir.resolve("model"));

        assertThat(Files.readAllBytes(out.resolve("open_clip_pytorch_model.bin")))
                .isEqualTo(weights);
        assertThat(Files.readAllBytes(out.resolve("tokenizer.json"))).isEqualTo(tokenizer);
        assertThat(Files.readAllBytes(out.resolve("config.json"))).isEqualTo(config);
        try (var listing = Files.list(out)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("open_clip_pytorch_model.bin", "tokenizer.json", "config.json");
        }
        assertThat(hub.requests)
                .contains(
                        new FakeHub.Seen("HEAD", "/laion/fake-clip/resolve/main/open_clip_pytorch_model.bin", null),
                        new FakeHub.Seen("GET", "/cdn/" + FakeHub.sha256(weights), null));
        assertThat(progress.events)
                .contains(
                        "finished open_clip_pytorch_model.bin 300000",
                        "finished tokenizer.json " + tokenizer.length,
                        "finished config.json " + config.length);
    }

    @Test
    void resumesWithARangeAfterTheServerCutsTheConnection() throws IOException {
        hub.cutFirstGetAfter = 100_000;

        downloader(FAST).download(MODEL, dir);

        assertThat(Files.readAllBytes(dir.resolve("open_clip_pytorch_model.bin")))
                .isEqualTo(weights);
        List<FakeHub.Seen> cdnGets =
                hub.gets().stream().filter(r -> r.path().startsWith("/cdn/")).toList();
        assertThat(cdnGets).hasSize(2);
        assertThat(cdnGets.get(0).range()).isNull();
        assertThat(cdnGets.get(1).range()).matches("bytes=\\d+-");
        long resumedAt = Long.parseLong(cdnGets.get(1).range().replaceAll("\\D", ""));
        assertThat(resumedAt).isPositive().isLessThanOrEqualTo(100_000);
        assertThat(progress.events).anyMatch(e -> e.startsWith("retrying open_clip_pytorch_model.bin 2"));
        assertThat(progress.events).contains("started open_clip_pytorch_model.bin 300000 " + resumedAt);
    }

    @Test
    void startsOverWhenTheServerIgnoresTheRange() throws IOException {
        hub.ignoreRange = true;
        // A part file whose bytes are wrong: appending to it would fail the hash, restarting cleanly cannot.
        Files.write(dir.resolve("open_clip_pytorch_model.bin.part"), new byte[50_000]);

        downloader(FAST).download(MODEL, dir);

        assertThat(Files.readAllBytes(dir.resolve("open_clip_pytorch_model.bin")))
                .isEqualTo(weights);
        assertThat(Files.exists(dir.resolve("open_clip_pytorch_model.bin.part")))
                .isFalse();
        assertThat(hub.gets()).anyMatch(r -> "bytes=50000-".equals(r.range()));
    }

    @Test
    void aHashMismatchLeavesNoFileAndNamesBothHashes() {
        hub.corruptBody = true;
        byte[] served = weights.clone();
        served[served.length / 2] ^= 1;

        assertThatThrownBy(() -> downloader(FAST).download(MODEL, dir))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("open_clip_pytorch_model.bin: hash mismatch")
                .hasMessageContaining("sha256:" + FakeHub.sha256(weights))
                .hasMessageContaining("sha256:" + FakeHub.sha256(served));
        assertThat(Files.exists(dir.resolve("open_clip_pytorch_model.bin"))).isFalse();
        assertThat(Files.exists(dir.resolve("open_clip_pytorch_model.bin.part")))
                .isFalse();
    }

    @Test
    void aSmallFileIsCheckedAgainstItsGitBlobId() throws IOException {
        hub.corruptBody = true;
        ModelFiles onlyConfig = new ModelFiles("x", List.of(new RepoFile(TEXT_REPO, "config.json", 1 << 16)));

        assertThatThrownBy(() -> downloader(FAST).download(onlyConfig, dir))
                .hasMessageContaining("git-sha1:" + FakeHub.gitBlobSha1(config));
        assertThat(Files.exists(dir.resolve("config.json"))).isFalse();
    }

    @Test
    void completeFilesAreNotFetchedAgain() throws IOException {
        downloader(FAST).download(MODEL, dir);
        FileTime written = Files.getLastModifiedTime(dir.resolve("open_clip_pytorch_model.bin"));
        int getsBefore = hub.gets().size();

        downloader(FAST).download(MODEL, dir);

        assertThat(hub.gets()).hasSize(getsBefore);
        assertThat(Files.getLastModifiedTime(dir.resolve("open_clip_pytorch_model.bin")))
                .isEqualTo(written);
        assertThat(progress.events)
                .contains("skipped open_clip_pytorch_model.bin 300000", "skipped config.json " + config.length);
    }

    @Test
    void aWrongFileUnderTheFinalNameIsReplaced() throws IOException {
        Files.write(dir.resolve("config.json"), "{\"hidden_size\": 1}\n".getBytes());

        downloader(FAST).download(MODEL, dir);

        assertThat(Files.readAllBytes(dir.resolve("config.json"))).isEqualTo(config);
    }

    @Test
    void resumesWhenTheConnectionGoesSilent() throws IOException {
        hub.stallFirstGetAfter = 100_000;
        DownloadPolicy impatient = new DownloadPolicy(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(300), 4, Duration.ofMillis(10), 5);

        downloader(impatient).download(MODEL, dir);

        assertThat(Files.readAllBytes(dir.resolve("open_clip_pytorch_model.bin")))
                .isEqualTo(weights);
        assertThat(hub.gets()).anyMatch(r -> r.path().startsWith("/cdn/") && r.range() != null);
        assertThat(progress.events).contains("retrying open_clip_pytorch_model.bin 2 no data for 0.3 s");
    }

    @Test
    void refusesAnAnnouncedSizeAboveTheFilesLimit() {
        hub.announcedSize = 2L << 20;

        assertThatThrownBy(() -> downloader(FAST).download(MODEL, dir))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("announces 2097152 bytes");
        assertThat(hub.gets()).isEmpty();
    }

    @Test
    void reportsAMissingFile() {
        ModelFiles missing = new ModelFiles("x", List.of(new RepoFile(TEXT_REPO, "vocab.json", 1 << 16)));

        assertThatThrownBy(() -> downloader(FAST).download(missing, dir))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("not found: FacebookAI/fake-roberta/vocab.json (HTTP 404 EntryNotFound)");
    }

    @Test
    void stopsFollowingEndlessRedirects() {
        hub.redirectLoop = true;

        assertThatThrownBy(() -> downloader(FAST).download(MODEL, dir))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("more than 5 redirects");
    }

    @Test
    void aPinnedCommitMustMatchTheServersAnswer() {
        String other = "f".repeat(40);
        ModelDownloader pinned = new ModelDownloader(new HubEndpoint(hub.endpoint()), other, progress, FAST);

        assertThatThrownBy(() -> pinned.download(MODEL, dir))
                .hasMessageContaining("asked for commit " + other + " but the server answered for " + FakeHub.COMMIT);
    }

    @Test
    void failsFastWithAClearMessageWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ModelDownloader offline =
                new ModelDownloader(HubEndpoint.of("http://127.0.0.1:" + closedPort), "main", progress, FAST);

        assertThatThrownBy(() -> offline.download(MODEL, dir))
                .isInstanceOf(DownloadException.class)
                .hasMessageStartingWith("cannot reach http://127.0.0.1:" + closedPort + " (no network?): "
                        + "download the files on a connected machine into " + dir + ", or pass --model DIR")
                .hasMessageEndingWith("[connection refused]");
        assertThat(progress.events).isEmpty();
    }

    @Test
    void anUnresolvableHostGivesTheCannotReachMessage() throws Exception {
        // A child JVM resolves names from this hosts file only, so the lookup of a .invalid name never reaches DNS.
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n");
        Path target = dir.resolve("model");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djdk.net.hosts.file=" + hosts,
                        "-cp",
                        System.getProperty("java.class.path"),
                        OfflineDownloadMain.class.getName(),
                        "https://hub.clipstream-test.invalid",
                        target.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(output).isZero();

        assertThat(output)
                .startsWith("cannot reach https://hub.clipstream-test.invalid (no network?): "
                        + "download the files on a connected machine into " + target + ", or pass --model DIR");
        assertThat(output).contains("[host name not found]");
    }

    /** Records progress calls as strings. */
    static final class Recorder implements DownloadProgress {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void started(String file, long size, long resumedFrom) {
            events.add("started " + file + " " + size + " " + resumedFrom);
        }

        @Override
        public void advanced(String file, long done, long size) {}

        @Override
        public void finished(String file, long size) {
            events.add("finished " + file + " " + size);
        }

        @Override
        public void skipped(String file, long size) {
            events.add("skipped " + file + " " + size);
        }

        @Override
        public void retrying(String file, int attempt, String reason) {
            events.add("retrying " + file + " " + attempt + " " + reason);
        }
    }
}

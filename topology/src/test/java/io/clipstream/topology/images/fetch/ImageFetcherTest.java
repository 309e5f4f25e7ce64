package io.clipstream.topology.images.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.clipstream.schemas.ErrorCode;
import io.clipstream.topology.TopologySettings.FetchSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ImageFetcherTest {
    private static final byte[] IMAGE = "pretend these are PNG bytes".getBytes();
    private HttpServer server;
    private String base;
    private final AtomicInteger targetHits = new AtomicInteger();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
        server.createContext("/image.png", ex -> {
            targetHits.incrementAndGet();
            ex.sendResponseHeaders(200, IMAGE.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(IMAGE);
            }
        });
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", base + "/image.png");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/declared-big", ex -> {
            ex.sendResponseHeaders(200, 10_000_000);
            ex.close();
        });
        server.createContext("/endless", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length: the client must count
            byte[] chunk = new byte[8192];
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 100_000; i++) {
                    out.write(chunk);
                }
            } catch (IOException closedByClient) {
                // expected: the fetcher hangs up at its limit
            }
        });
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static ImageFetcher fetcher(Set<String> hosts, Set<String> addresses) {
        return new ImageFetcher(
                new FetchSettings(true, hosts, addresses, Duration.ofSeconds(2), Duration.ofMillis(500)), 64 * 1024);
    }

    private static ImageFetcher loopbackAllowed() {
        return fetcher(Set.of("127.0.0.1"), Set.of("127.0.0.1"));
    }

    private static void assertCode(ThrowingFetch fetch, ErrorCode code) {
        assertThatThrownBy(fetch::run)
                .isInstanceOf(FetchException.class)
                .satisfies(e -> assertThat(((FetchException) e).code()).isEqualTo(code));
    }

    private interface ThrowingFetch {
        void run() throws Exception;
    }

    @Test
    void fetchesAnAllowedUrl() throws Exception {
        assertThat(loopbackAllowed().fetch(base + "/image.png")).isEqualTo(IMAGE);
    }

    @Test
    void refusesEverythingWhenDisabled() {
        ImageFetcher off = new ImageFetcher(FetchSettings.disabled(), 1000);
        assertCode(() -> off.fetch(base + "/image.png"), ErrorCode.FETCH_REFUSED);
        assertThat(targetHits).hasValue(0);
    }

    @Test
    void refusesOtherSchemesUserInfoAndHostsOffTheList() {
        ImageFetcher f = loopbackAllowed();
        assertCode(() -> f.fetch("file:///etc/passwd"), ErrorCode.FETCH_REFUSED);
        assertCode(() -> f.fetch("ftp://127.0.0.1/image.png"), ErrorCode.FETCH_REFUSED);
        assertCode(() -> f.fetch("http://user:pw@127.0.0.1:1/image.png"), ErrorCode.FETCH_REFUSED);
        assertCode(() -> f.fetch(base.replace("127.0.0.1", "localhost") + "/image.png"), ErrorCode.FETCH_REFUSED);
        assertCode(() -> f.fetch("not a url at all"), ErrorCode.FETCH_REFUSED);
        assertThat(targetHits).hasValue(0);
    }

    @Test
    void refusesAnAllowedHostThatResolvesToLoopbackUnlessTheAddressIsAllowed() {
        ImageFetcher f = fetcher(Set.of("127.0.0.1"), Set.of());
        assertCode(() -> f.fetch(base + "/image.png"), ErrorCode.FETCH_REFUSED);
        assertThat(targetHits).hasValue(0);
    }

    @Test
    void doesNotFollowRedirects() {
        assertCode(() -> loopbackAllowed().fetch(base + "/redirect"), ErrorCode.FETCH_FAILED);
        assertThat(targetHits).hasValue(0);
    }

    @Test
    void httpErrorsAndDeadPortsFail() throws Exception {
        assertCode(() -> loopbackAllowed().fetch(base + "/missing"), ErrorCode.FETCH_FAILED);
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        assertCode(() -> loopbackAllowed().fetch("http://127.0.0.1:" + closed + "/x"), ErrorCode.FETCH_FAILED);
    }

    @Test
    void failureMessagesHideCredentialsInTheUrl() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        for (String url : new String[] {
            base + "/missing?X-Amz-Signature=SIG-MARKER&w=1",
            "http://127.0.0.1:" + closed + "/x.png?access_token=TOKEN-MARKER",
            base + "/redirect?token=TOKEN-MARKER"
        }) {
            assertThatThrownBy(() -> loopbackAllowed().fetch(url))
                    .isInstanceOf(FetchException.class)
                    .satisfies(e -> assertThat(e.getMessage())
                            .contains("127.0.0.1")
                            .contains("[hidden]")
                            .doesNotContain("MARKER"));
        }
    }

    @Test
    void enforcesTheByteLimitFromTheHeaderAndWhileStreaming() {
        assertCode(() -> loopbackAllowed().fetch(base + "/declared-big"), ErrorCode.IMAGE_TOO_LARGE);
        assertCode(() -> loopbackAllowed().fetch(base + "/endless"), ErrorCode.IMAGE_TOO_LARGE);
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        assertCode(() -> loopbackAllowed().fetch(base + "/slow"), ErrorCode.FETCH_FAILED);
    }

    @Test
    void recognisesNonPublicAddresses() throws Exception {
        for (String internal : new String[] {
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1"
        }) {
            assertThat(ImageFetcher.isInternal(InetAddress.getByName(internal)))
                    .as(internal)
                    .isTrue();
        }
        for (String external : new String[] {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2001:4860::8888"}) {
            assertThat(ImageFetcher.isInternal(InetAddress.getByName(external)))
                    .as(external)
                    .isFalse();
        }
    }
}

package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class HubClientTest {
    @Test
    void refusesADowngradeFromHttpsToHttp() {
        assertThatThrownBy(
                        () -> HubClient.redirectTarget(URI.create("https://huggingface.co/a"), "http://cdn.example/x"))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("https to http downgrade");
        assertThatThrownBy(() -> HubClient.redirectTarget(URI.create("https://huggingface.co/a"), "file:///etc/passwd"))
                .hasMessageContaining("not an http(s) URL");
    }

    @Test
    void resolvesRelativeAndUpgradingRedirects() throws DownloadException {
        assertThat(HubClient.redirectTarget(URI.create("https://huggingface.co/a/b"), "/c/d"))
                .isEqualTo(URI.create("https://huggingface.co/c/d"));
        assertThat(HubClient.redirectTarget(URI.create("http://mirror.example/a"), "https://cdn.example/x"))
                .isEqualTo(URI.create("https://cdn.example/x"));
    }

    @Test
    void headFollowsARenamedRepoButNotTheCdn() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String sha1 = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
        server.createContext("/old/repo/resolve/main/config.json", ex -> {
            ex.getResponseHeaders().set("Location", "/new/repo/resolve/main/config.json");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        server.createContext("/new/repo/resolve/main/config.json", ex -> {
            ex.getResponseHeaders().set("ETag", "\"" + sha1 + "\"");
            ex.getResponseHeaders().set("X-Repo-Commit", "c0ffee");
            ex.getResponseHeaders().set("Content-Length", "0");
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            RemoteFile file = new HubClient(DownloadPolicy.DEFAULT)
                    .head(
                            base.resolve("/old/repo/resolve/main/config.json"),
                            new RepoFile("old/repo", "config.json", 10));

            assertThat(file.location()).isEqualTo(base.resolve("/new/repo/resolve/main/config.json"));
            assertThat(file.hash()).isEqualTo(new ContentHash(ContentHash.Kind.GIT_BLOB_SHA1, sha1));
            assertThat(file.size()).isZero();
            assertThat(file.commit()).isEqualTo("c0ffee");
        } finally {
            server.stop(0);
        }
    }
}

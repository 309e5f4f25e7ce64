package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Golden hashes come from git hash-object and sha256sum (src/test/python/make_download_golden.sh). */
class ContentHashTest {
    @TempDir
    Path dir;

    private static Properties golden() throws IOException {
        Properties p = new Properties();
        try (InputStream in = ContentHashTest.class.getResourceAsStream("/download/sample.hashes")) {
            p.load(in);
        }
        return p;
    }

    private static Path sample() throws URISyntaxException {
        return Path.of(ContentHashTest.class.getResource("/download/sample.bin").toURI());
    }

    @Test
    void gitBlobIdMatchesGit() throws Exception {
        Properties g = golden();
        ContentHash hash = ContentHash.fromEtag("\"" + g.getProperty("git_blob_sha1") + "\"");

        assertThat(hash.kind()).isEqualTo(ContentHash.Kind.GIT_BLOB_SHA1);
        assertThat(Files.size(sample())).isEqualTo(Long.parseLong(g.getProperty("size")));
        assertThat(hash.hashOf(sample())).isEqualTo(g.getProperty("git_blob_sha1"));
    }

    @Test
    void sha256MatchesSha256sum() throws Exception {
        Properties g = golden();
        ContentHash hash = ContentHash.fromEtag("\"" + g.getProperty("sha256") + "\"");

        assertThat(hash.kind()).isEqualTo(ContentHash.Kind.SHA256);
        assertThat(hash.hashOf(sample())).isEqualTo(g.getProperty("sha256"));
    }

    @Test
    void emptyFilesHashLikeGitAndSha256sum() throws Exception {
        Properties g = golden();
        Path empty = Files.createFile(dir.resolve("empty"));

        assertThat(new ContentHash(ContentHash.Kind.GIT_BLOB_SHA1, g.getProperty("empty_git_blob_sha1")).hashOf(empty))
                .isEqualTo(g.getProperty("empty_git_blob_sha1"));
        assertThat(new ContentHash(ContentHash.Kind.SHA256, g.getProperty("empty_sha256")).hashOf(empty))
                .isEqualTo(g.getProperty("empty_sha256"));
    }

    @Test
    void readsEtagsAsHuggingfaceHubNormalisesThem() throws DownloadException {
        String sha1 = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
        assertThat(ContentHash.fromEtag("W/\"" + sha1 + "\""))
                .isEqualTo(new ContentHash(ContentHash.Kind.GIT_BLOB_SHA1, sha1));
        assertThat(ContentHash.fromEtag(sha1.toUpperCase()).hex()).isEqualTo(sha1);
    }

    @Test
    void rejectsAnEtagThatIsNoHash() {
        assertThatThrownBy(() -> ContentHash.fromEtag("\"5d41402abc4b2a76b9719d911017c592\""))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("neither a SHA-256 nor a git blob SHA-1");
        assertThatThrownBy(() -> new ContentHash(ContentHash.Kind.SHA256, "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.clipstream.model.download;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The content hash the Hub announces for a file, read from its ETag. Files stored with git LFS carry the
 * SHA-256 of their bytes ({@code X-Linked-Etag}); small files carry their git blob id, the SHA-1 of
 * {@code "blob <size>\0"} followed by the bytes ({@code ETag}). Checking it catches truncated, corrupted
 * or swapped files before anyone loads them.
 */
public record ContentHash(Kind kind, String hex) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    /** How the hash is computed. */
    public enum Kind {
        SHA256,
        GIT_BLOB_SHA1
    }

    public ContentHash {
        if (kind == null
                || hex == null
                || !(kind == Kind.SHA256 ? SHA256 : SHA1).matcher(hex).matches()) {
            throw new IllegalArgumentException("not a " + kind + " hex digest: " + hex);
        }
    }

    /**
     * Reads an ETag header value as huggingface_hub normalises it (drop a weak {@code W/} prefix and the quotes).
     *
     * @throws DownloadException if it is neither a SHA-256 nor a SHA-1 hex digest
     */
    public static ContentHash fromEtag(String etag) throws DownloadException {
        String v = etag.strip();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        v = v.toLowerCase(Locale.ROOT);
        if (SHA256.matcher(v).matches()) {
            return new ContentHash(Kind.SHA256, v);
        }
        if (SHA1.matcher(v).matches()) {
            return new ContentHash(Kind.GIT_BLOB_SHA1, v);
        }
        throw new DownloadException("the server's ETag '" + abbreviate(etag)
                + "' is neither a SHA-256 nor a git blob SHA-1, so the file cannot be verified"
                + " (is the endpoint a Hugging Face Hub?)");
    }

    /** A digest ready to take the file's bytes; for git blobs it has already seen the {@code blob <size>\0} header. */
    public MessageDigest newDigest(long size) {
        try {
            if (kind == Kind.SHA256) {
                return MessageDigest.getInstance("SHA-256");
            }
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
            return sha1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256 and SHA-1", e);
        }
    }

    /** This kind of hash of a file on disk, as lower-case hex. */
    public String hashOf(Path file) throws IOException {
        MessageDigest digest = newDigest(Files.size(file));
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public String toString() {
        return (kind == Kind.SHA256 ? "sha256:" : "git-sha1:") + hex;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}

package io.clipstream.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model's identity: {@code roberta-ViT-B-32@<first 12 hex digits of the weights' SHA-256>}. Cached prompt
 * embeddings and classifications carry it, so outputs of different weights never mix.
 */
public final class ModelId {
    public static final String ARCHITECTURE = "roberta-ViT-B-32";

    private ModelId() {}

    public static String of(Path weights) throws IOException {
        return ARCHITECTURE + "@" + sha256(weights).substring(0, 12);
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}

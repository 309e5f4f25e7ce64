package io.clipstream.service;

import io.clipstream.schemas.Redaction;
import java.util.Locale;

/**
 * One setting of the service as a user meets it: the key in the properties file, the environment variable that
 * overrides it, its default ({@code null}: required) and what it means. The configuration reference in
 * {@code docs/configuration.md} is generated from these.
 *
 * @param name         key in the properties file, e.g. {@code image.batch.size}
 * @param defaultValue value when neither the file nor the environment sets it; {@code null} if the key is required
 * @param meaning      one sentence for the reference
 * @param secret       never printed (passwords, credentials)
 */
public record ConfigKey(String name, String defaultValue, String meaning, boolean secret) {
    /** The prefix of every environment variable the service reads as configuration. */
    public static final String ENV_PREFIX = "CLIPSTREAM_";

    static ConfigKey required(String name, String meaning) {
        return new ConfigKey(name, null, meaning, false);
    }

    static ConfigKey of(String name, String defaultValue, String meaning) {
        return new ConfigKey(name, defaultValue, meaning, false);
    }

    static ConfigKey secret(String name, String meaning) {
        return new ConfigKey(name, "", meaning, true);
    }

    /** {@code CLIPSTREAM_} + the key upper-cased with dots as underscores: {@code image.batch.size} → {@code CLIPSTREAM_IMAGE_BATCH_SIZE}. */
    public String envName() {
        return envName(name);
    }

    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Whether a key's value must not be shown: declared secret, or a pass-through key that names a credential. */
    static boolean looksSecret(String key) {
        return Redaction.isSecretKey(key);
    }
}

package io.clipstream.service;

import io.clipstream.schemas.Redaction;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kafka client that could not be created from the configuration, said so that an operator can fix it: which client,
 * the root cause (Kafka's own top message, {@code Failed to create new KafkaAdminClient}, says nothing) and the
 * settings that likely caused it, e.g. {@code cannot create the Kafka admin client: JAAS config entry not terminated
 * by semi-colon (setting kafka.sasl.jaas.config)}. Secret values never appear in the message, even when a cause quotes
 * them.
 */
public final class KafkaClientFailure extends RuntimeException {
    /** {@code Invalid value x for configuration ssl.truststore.type}, {@code Missing required configuration "x"}. */
    private static final Pattern CONFIG_NAME = Pattern.compile("configuration[s]? ['\"]?([a-z][a-z0-9.\\-]*[a-z0-9])");
    /** Words in a cause → the Kafka settings they point at (suffixes of the user's {@code kafka.} keys). */
    private static final Map<String, List<String>> HINTS = Map.of(
            "jaas", List.of("sasl.jaas.config"),
            "sasl", List.of("sasl.mechanism", "sasl.jaas.config"),
            "login module", List.of("sasl.jaas.config"),
            "keystore",
                    List.of("ssl.keystore.location", "ssl.keystore.password", "ssl.keystore.type", "ssl.key.password"),
            "truststore", List.of("ssl.truststore.location", "ssl.truststore.password", "ssl.truststore.type"),
            "security protocol", List.of("security.protocol"),
            "bootstrap", List.of("bootstrap.servers"));

    /** Kafka's top message when a client constructor fails: {@code Failed to create new KafkaAdminClient}, … */
    private static final Pattern CREATION =
            Pattern.compile("Failed to (?:create new Kafka(AdminClient)|construct kafka (producer|consumer))");

    private KafkaClientFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code failure} described as a client that could not be created from {@code config} when it is one (a client
     * constructor's exception, or a Kafka {@link org.apache.kafka.common.config.ConfigException}); else null.
     */
    public static KafkaClientFailure ifCreation(Throwable failure, ServiceConfig config) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher m = CREATION.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return of(m.group(1) != null ? "admin client" : m.group(2), failure, config);
            }
            if (t instanceof org.apache.kafka.common.config.ConfigException) {
                return of("clients", failure, config);
            }
        }
        return null;
    }

    /** Describes why {@code client} ("admin client", "producer", "consumer") could not be created from {@code config}. */
    public static KafkaClientFailure of(String client, Throwable failure, ServiceConfig config) {
        List<String> messages = new ArrayList<>();
        String root = null;
        Set<Throwable> seen = new LinkedHashSet<>();
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                messages.add(t.getMessage());
                root = t.getMessage();
            }
        }
        if (root == null) {
            root = failure.getClass().getSimpleName();
        }
        Set<String> settings = settingsInvolved(String.join("\n", messages), config);
        String where = settings.isEmpty()
                ? ""
                : " (setting" + (settings.size() > 1 ? "s " : " ") + String.join(", ", settings) + ")";
        return new KafkaClientFailure(
                "cannot create the Kafka " + client + ": " + hideSecrets(root, config) + where, failure);
    }

    /** The user's keys (as written, {@code kafka.} prefix included) that the cause messages point at. */
    static Set<String> settingsInvolved(String messages, ServiceConfig config) {
        String text = messages.toLowerCase(Locale.ROOT);
        Set<String> kafkaNames = new LinkedHashSet<>();
        Matcher m = CONFIG_NAME.matcher(text);
        while (m.find()) {
            kafkaNames.add(m.group(1));
        }
        HINTS.forEach((word, names) -> {
            if (text.contains(word)) {
                kafkaNames.addAll(names);
            }
        });
        Set<String> keys = new LinkedHashSet<>();
        for (String name : kafkaNames) {
            if (name.equals("bootstrap.servers")) {
                keys.add("bootstrap.servers");
                continue;
            }
            for (String userKey : config.kafka().keySet()) {
                if (userKey.equals(name) || userKey.endsWith("." + name)) {
                    keys.add(ServiceConfig.KAFKA_PREFIX + userKey);
                }
            }
        }
        return keys;
    }

    /** {@code text} without the value of any secret setting (a cause may quote one) and without URL credentials. */
    private static String hideSecrets(String text, ServiceConfig config) {
        String out = text;
        for (Map.Entry<String, String> e : config.settings().entrySet()) {
            String value = e.getValue();
            if (value != null && value.length() >= 4 && Redaction.isSecretKey(e.getKey())) {
                out = out.replace(value.trim(), Redaction.HIDDEN);
            }
        }
        return Redaction.text(out);
    }
}

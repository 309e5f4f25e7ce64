package io.clipstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.schemas.registry.SchemaRegistryException;
import io.clipstream.schemas.registry.SchemaRegistryException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class RegistryOutageRetryTest {
    private final RegistryOutageRetry retry = new RegistryOutageRetry(Duration.ofMillis(1), Duration.ofMillis(4));

    @Test
    void retriesAnUnavailableRegistryUntilItAnswers() {
        AtomicInteger calls = new AtomicInteger();
        Deserializer<String> flaky = (topic, bytes) -> {
            if (calls.incrementAndGet() <= 5) {
                throw new SchemaRegistryException(Kind.UNAVAILABLE, "connection refused");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        };
        assertThat(retry.deserializer(flaky).deserialize("t", "ok".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("ok");
        assertThat(calls).hasValue(6);
    }

    @Test
    void passesOtherRegistryAnswersAndBadBytesThroughAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        Deserializer<String> unknownId = (topic, bytes) -> {
            calls.incrementAndGet();
            throw new SchemaRegistryException(Kind.SCHEMA_NOT_FOUND, "no schema 7");
        };
        assertThatThrownBy(() -> retry.deserializer(unknownId).deserialize("t", new byte[1]))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("no schema 7");
        assertThat(calls).hasValue(1);
        Deserializer<String> bad = (topic, bytes) -> {
            throw new IllegalArgumentException("bad bytes");
        };
        assertThatThrownBy(() -> retry.deserializer(bad).deserialize("t", new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wrapsBothHalvesOfASerde() {
        AtomicInteger calls = new AtomicInteger();
        Serde<String> inner = Serdes.serdeFrom(
                (topic, s) -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new SchemaRegistryException(Kind.UNAVAILABLE, "503");
                    }
                    return s.getBytes(StandardCharsets.UTF_8);
                },
                (topic, b) -> new String(b, StandardCharsets.UTF_8));
        Serde<String> wrapped = retry.wrap(inner);
        byte[] bytes = wrapped.serializer().serialize("t", "x");
        assertThat(wrapped.deserializer().deserialize("t", bytes)).isEqualTo("x");
        assertThat(calls).hasValue(2);
    }

    @Test
    void anInterruptStopsTheWait() {
        Deserializer<String> down = (topic, bytes) -> {
            throw new SchemaRegistryException(Kind.UNAVAILABLE, "down");
        };
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new RegistryOutageRetry(Duration.ofSeconds(5), Duration.ofSeconds(5))
                            .deserializer(down)
                            .deserialize("t", new byte[1]))
                    .isInstanceOf(org.apache.kafka.common.errors.InterruptException.class);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void reportsTheOutageWhileACallWaitsAndItsEndWhenTheCallSucceeds() {
        RegistryStatus status = new RegistryStatus();
        RegistryOutageRetry reporting = new RegistryOutageRetry(Duration.ofMillis(1), Duration.ofMillis(4), status);
        List<Optional<String>> seen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Deserializer<String> flaky = (topic, bytes) -> {
            seen.add(status.outage());
            if (calls.incrementAndGet() <= 3) {
                throw new SchemaRegistryException(
                        Kind.UNAVAILABLE,
                        "Schema registry http://registry:8081 unreachable: java.net.ConnectException");
            }
            return "ok";
        };
        assertThat(status.outage()).isEmpty();
        assertThat(reporting.deserializer(flaky).deserialize("t", new byte[1])).isEqualTo("ok");
        assertThat(seen.get(0)).as("before the first failure").isEmpty();
        assertThat(seen.subList(1, 4))
                .allSatisfy(reason -> assertThat(reason)
                        .hasValueSatisfying(r -> assertThat(r)
                                .contains("schema registry unavailable", "http://registry:8081", "1 call waiting")));
        assertThat(status.outage()).as("after the call succeeded").isEmpty();
    }

    @Test
    void aCallThatGivesUpEndsItsPartOfTheOutage() {
        RegistryStatus status = new RegistryStatus();
        Deserializer<String> down = (topic, bytes) -> {
            throw new SchemaRegistryException(Kind.UNAVAILABLE, "down");
        };
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new RegistryOutageRetry(Duration.ofSeconds(5), Duration.ofSeconds(5), status)
                            .deserializer(down)
                            .deserialize("t", new byte[1]))
                    .isInstanceOf(org.apache.kafka.common.errors.InterruptException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(status.outage()).isEmpty();
    }

    @Test
    void aServiceSharesItsStatusThroughTheConfig() {
        RegistryStatus status = new RegistryStatus();
        assertThat(RegistryOutageRetry.fromConfig(Map.of(RegistryStatus.CONFIG, status))
                        .status())
                .isSameAs(status);
        assertThat(RegistryOutageRetry.fromConfig(Map.of()).status()).isNotSameAs(status);
        assertThat(RegistryOutageRetry.standard().status()).isNotNull();
    }
}

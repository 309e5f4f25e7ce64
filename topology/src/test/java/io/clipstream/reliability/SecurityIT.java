package io.clipstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.service.ServiceConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security properties of the running service: Kafka TLS/SASL settings reach every Kafka client, and the service
 * works through a real broker listener that accepts only SASL (PLAIN) clients; the registry is
 * reached over HTTPS (self-signed certificate, trusted through the service's truststore settings) with basic auth;
 * planted secrets never appear in the logs (Kafka's config dumps included) or on {@code /metrics}; the HTTP
 * endpoints answer only GET and HEAD; URL images are refused while fetching is off, which is the default.
 */
class SecurityIT {
    private static final String SUITE = "security";
    /** The service's SASL password on the broker, planted: it must not show in logs or metrics. */
    private static final String JAAS_PASSWORD = "PLANTED-jaas-" + UUID.randomUUID();

    @TempDir
    static Path dir;

    private static SuiteFixture suite;

    @BeforeAll
    static void start() throws Exception {
        suite = SuiteFixture.start(dir, "reliability-security", Map.of("clipstream", JAAS_PASSWORD));
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    void kafkaTlsAndSaslSettingsReachEveryClient() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("bootstrap.servers", "127.0.0.1:9093");
        values.put("schema.registry.url", "https://127.0.0.1:8443");
        values.put("kafka.security.protocol", "SASL_SSL");
        values.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        values.put(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required "
                        + "username=\"svc\" password=\"jaas-secret\";");
        values.put("kafka.ssl.truststore.location", "/etc/clipstream/kafka-trust.p12");
        values.put("kafka.ssl.truststore.password", "kafka-trust-secret");
        values.put("kafka.ssl.endpoint.identification.algorithm", "https");
        values.put("schema.registry.ssl.truststore.location", "/etc/clipstream/registry-trust.p12");
        values.put("schema.registry.ssl.truststore.password", "registry-trust-secret");
        values.put("schema.registry.basic.auth.user.info", "svc:registry-secret");
        ServiceConfig config = ServiceConfig.from(values);

        Properties streams = config.streamsProperties();
        Map<String, Object> admin = config.adminConfig();
        Map<String, Object> serdes = config.serdeConfig();
        List<String> missing = new ArrayList<>();
        for (String key : List.of(
                "security.protocol",
                "sasl.mechanism",
                "sasl.jaas.config",
                "ssl.truststore.location",
                "ssl.truststore.password",
                "ssl.endpoint.identification.algorithm")) {
            if (!values.get("kafka." + key).equals(streams.get(key))) {
                missing.add("streams:" + key);
            }
            if (!values.get("kafka." + key).equals(admin.get(key))) {
                missing.add("admin:" + key);
            }
        }
        for (Map.Entry<String, String> e : Map.of(
                        "schema.registry.ssl.truststore.location",
                        "/etc/clipstream/registry-trust.p12",
                        "schema.registry.ssl.truststore.password",
                        "registry-trust-secret",
                        "basic.auth.credentials.source",
                        "USER_INFO",
                        "basic.auth.user.info",
                        "svc:registry-secret")
                .entrySet()) {
            if (!e.getValue().equals(serdes.get(e.getKey()))) {
                missing.add("registry serde:" + e.getKey());
            }
            if (!e.getValue().equals(streams.get(e.getKey()))) {
                missing.add("streams (exception handlers' serde):" + e.getKey());
            }
        }
        String described = String.join("\n", config.describe());
        List<String> leaked = new ArrayList<>();
        for (String secret : List.of("jaas-secret", "kafka-trust-secret", "registry-trust-secret", "registry-secret")) {
            if (described.contains(secret)) {
                leaked.add(secret);
            }
        }
        ReliabilityReport.row(
                SUITE,
                "Kafka SASL_SSL + TLS and registry TLS + basic auth settings",
                11,
                0,
                0,
                0,
                missing.size(),
                "-",
                "not passed through: " + missing + "; secrets shown by describe(): " + leaked);
        assertThat(missing).as("settings that did not reach a client").isEmpty();
        assertThat(leaked).as("secrets in the loggable description").isEmpty();
    }

    @Test
    void httpsRegistryWithBasicAuthAndNoSecretInLogsOrMetrics() throws Exception {
        String keyPassword = "PLANTED-key-" + UUID.randomUUID();
        String trustPassword = "PLANTED-trust-" + UUID.randomUUID();
        String registryPassword = "PLANTED-basic-" + UUID.randomUUID();
        String jaasPassword = JAAS_PASSWORD;
        Path keyStore = dir.resolve("registry-key.p12");
        Path trustStore = dir.resolve("registry-trust.p12");
        Path cert = dir.resolve("registry.pem");
        keytool(
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                keyPassword,
                "-keypass",
                keyPassword);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "registry",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                keyPassword,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "registry",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                trustPassword);

        try (HttpsRegistryProxy https = HttpsRegistryProxy.start(
                        suite.registry().url(), keyStore, keyPassword.toCharArray(), "clipstream:" + registryPassword);
                Workload w = suite.workload("secure")) {
            Map<String, String> settings = suite.settings(w, "a");
            settings.put("schema.registry.url", https.url());
            settings.put("schema.registry.basic.auth.user.info", "clipstream:" + registryPassword);
            settings.put("schema.registry.ssl.truststore.location", trustStore.toString());
            settings.put("schema.registry.ssl.truststore.password", trustPassword);
            settings.put("schema.registry.ssl.truststore.type", "PKCS12");
            throughSasl(settings, jaasPassword);
            ServiceProcess service = ServiceProcess.start("secure", dir, settings, "INFO");
            try (Ledger ledger = w.ledger()) {
                service.awaitRunning();
                List<String> inputs = new ArrayList<>(w.publishLabelsAndProbe(ledger));
                // URL fetching is off by default: a URL image is refused without any connection.
                w.sendImage(
                        "url-image",
                        w.eventBytes(Workload.url("url-image", Workload.LABEL_SET, "http://127.0.0.1:1/a.png")));
                inputs.add("url-image");
                ledger.awaitAll(inputs, "the probes and the URL image");
                ErrorCode urlCode = ledger.code("url-image");
                String urlMessage =
                        urlCode == null ? "" : ledger.deadLetter("url-image").getMessage();
                ledger.report(
                        SUITE,
                        "Kafka through a SASL_PLAINTEXT (PLAIN) listener; registry over HTTPS "
                                + "(self-signed, truststore settings) with basic auth",
                        inputs.subList(0, inputs.size() - 1),
                        "proxy saw " + https.authorized.get() + " authorised and " + https.refused.get()
                                + " refused requests");
                ledger.report(
                        SUITE,
                        "URL image with fetching at its default (off)",
                        List.of("url-image"),
                        "code " + urlCode + ": " + urlMessage);

                List<String> methodProblems = new ArrayList<>();
                int tried = 0;
                for (String path : List.of("/metrics", "/health/live", "/health/ready", "/", "/shutdown")) {
                    for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
                        tried++;
                        int code = service.http(method, path).statusCode();
                        if (code != 405) {
                            methodProblems.add(method + " " + path + " -> " + code);
                        }
                    }
                }
                int ready = service.http("GET", "/health/ready").statusCode();
                int unknown = service.http("GET", "/shutdown").statusCode();
                HttpResponse<String> metrics = service.http("GET", "/metrics");
                ReliabilityReport.row(
                        SUITE,
                        "HTTP endpoints: every method but GET/HEAD on 5 paths",
                        tried,
                        0,
                        0,
                        0,
                        0,
                        "-",
                        "answers other than 405: " + methodProblems + "; GET /health/ready after: " + ready
                                + "; GET /shutdown: " + unknown);

                String log = service.log();
                List<String> leaks = new ArrayList<>();
                for (String secret : List.of(keyPassword, trustPassword, registryPassword, jaasPassword)) {
                    if (log.contains(secret)) {
                        leaks.add("log: " + secret.substring(0, 14));
                    }
                    if (metrics.body().contains(secret)) {
                        leaks.add("metrics: " + secret.substring(0, 14));
                    }
                }
                boolean configLogged = log.contains("sasl.jaas.config = [hidden]")
                        && log.contains("schema.registry.basic.auth.user.info=[hidden]");
                ReliabilityReport.row(
                        SUITE,
                        "4 planted secrets (registry basic auth, truststore and key passwords, "
                                + "SASL JAAS) vs the log and /metrics",
                        4,
                        0,
                        0,
                        0,
                        0,
                        "-",
                        "found: " + leaks
                                + "; Kafka and service config dumps present with [hidden]: " + configLogged
                                + "; log " + log.length() + " chars, metrics "
                                + metrics.body().length() + " chars");

                assertThat(ledger.duplicates(inputs)).isEmpty();
                assertThat(https.authorized.get())
                        .as("requests through HTTPS with basic auth")
                        .isPositive();
                assertThat(https.refused.get())
                        .as("requests without the credentials")
                        .isZero();
                assertThat(inputs.subList(0, inputs.size() - 1)).anyMatch(ledger.classified::contains);
                assertThat(urlCode).isEqualTo(ErrorCode.FETCH_REFUSED);
                assertThat(methodProblems).as("non-GET requests not refused").isEmpty();
                assertThat(ready).isEqualTo(200);
                assertThat(unknown).isEqualTo(404);
                assertThat(configLogged).as("the grep has something to look at").isTrue();
                assertThat(leaks).as("secrets in logs or metrics").isEmpty();
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void theBrokerRefusesTheServiceWithAWrongSaslPassword() throws Exception {
        try (Workload w = suite.workload("wrong-password")) {
            Map<String, String> settings = suite.settings(w, "a");
            throughSasl(settings, "not-" + JAAS_PASSWORD);
            ServiceProcess service = ServiceProcess.start("wrong-password", dir, settings, "INFO");
            try {
                service.awaitLog("Authentication failed");
                String log = service.log();
                ReliabilityReport.row(
                        SUITE,
                        "the same SASL listener with a wrong password (negative control)",
                        0,
                        0,
                        0,
                        0,
                        0,
                        "-",
                        "the broker refused it: 'Authentication failed' in the service's log; " + "alive "
                                + service.alive());
                assertThat(log).doesNotContain("-> RUNNING");
            } finally {
                service.stop();
            }
        }
    }

    /** The service reaches the broker only through its SASL listener; the test's own clients use PLAINTEXT. */
    private static void throughSasl(Map<String, String> settings, String password) {
        settings.put("bootstrap.servers", suite.broker().saslBootstrapServers());
        settings.put("kafka.security.protocol", "SASL_PLAINTEXT");
        settings.put("kafka.sasl.mechanism", "PLAIN");
        settings.put(
                "kafka.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"clipstream\" password=\"" + password + "\";");
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }
}

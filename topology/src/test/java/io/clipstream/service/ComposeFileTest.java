package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.download.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and the Dockerfiles cannot be run here (no Docker engine), so this keeps them consistent with
 * the jar: every CLIPSTREAM_* variable is a real setting and the whole environment validates, the topics created are
 * the service's topics, and the ports line up between Kafka, the registry, the service and the images.
 */
class ComposeFileTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static Map<String, Object> compose;
    private static Map<String, Object> services;
    private static Path properties;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
        properties = ROOT.resolve("docker/clipstream.properties");
    }

    @Test
    void everyClipstreamVariableIsASettingAndTheServiceEnvironmentValidates() throws Exception {
        Set<String> envNames = new HashSet<>(ServiceConfig.OTHER_ENV);
        ServiceConfig.KEYS.forEach(k -> envNames.add(k.envName()));
        for (String name : List.of("clipstream", "clipstream-gpu")) {
            Map<String, String> env = env(name);
            assertThat(env.keySet())
                    .as(name)
                    .filteredOn(k -> k.startsWith("CLIPSTREAM_"))
                    .isNotEmpty()
                    .allSatisfy(
                            k -> assertThat(envNames).as("%s sets %s", name, k).contains(k));
            assertThat(env.keySet())
                    .as("%s uses current names", name)
                    .doesNotContainAnyElementsOf(ServiceConfig.RENAMED.keySet().stream()
                            .map(ConfigKey::envName)
                            .toList());
            ServiceConfig config = ServiceConfig.load(properties, env); // throws with every problem
            assertThat(config.streams().bootstrapServers()).isEqualTo("kafka:9092");
            assertThat(config.topics().create())
                    .as("the topics service creates them")
                    .isFalse();
        }
    }

    @Test
    void theTopicsServiceCreatesExactlyTheServicesTopicsWithTablesCompacted() throws Exception {
        ServiceConfig config = ServiceConfig.load(properties, env("clipstream"));
        String script = String.join("\n", list(service("topics").get("command")));
        Map<String, String> created = new LinkedHashMap<>();
        Matcher m = Pattern.compile("create --topic (\\S+)([^\\n]*)").matcher(script);
        while (m.find()) {
            created.put(m.group(1), m.group(2));
        }
        assertThat(created.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        Topics.wanted(config.topology()).keySet());
        Topics.wanted(config.topology())
                .forEach((topic, configs) -> assertThat(created.get(topic).contains("cleanup.policy=compact"))
                        .as(topic)
                        .isEqualTo("compact".equals(configs.get("cleanup.policy"))));
    }

    @Test
    void portsAgreeBetweenKafkaTheRegistryTheServiceAndTheImages() throws Exception {
        ServiceConfig config = ServiceConfig.load(properties, env("clipstream"));
        Map<String, String> kafka = map(service("kafka").get("environment"));
        String bootstrap = config.streams().bootstrapServers();
        String port = bootstrap.substring(bootstrap.indexOf(':') + 1);
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).contains("//" + bootstrap);
        assertThat(kafka.get("KAFKA_LISTENERS")).contains("PLAINTEXT://:" + port);
        assertThat(kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo("1@kafka:9093");
        assertThat(kafka.get("KAFKA_LISTENERS")).contains("CONTROLLER://:9093");
        assertThat(list(service("kafka").get("ports"))).containsExactly("127.0.0.1:9094:9094");
        assertThat(kafka.get("KAFKA_ADVERTISED_LISTENERS")).contains("HOST://127.0.0.1:9094");

        Map<String, String> registry = map(service("schema-registry").get("environment"));
        String registryUrl = config.streams().schemaRegistryUrl();
        assertThat(registryUrl).isEqualTo("http://schema-registry:8081");
        assertThat(registry.get("SCHEMA_REGISTRY_LISTENERS")).endsWith(":8081");
        assertThat(registry.get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS")).endsWith("//" + bootstrap);

        int http = config.httpPort();
        assertThat(list(service("clipstream").get("ports"))).containsExactly("127.0.0.1:8080:" + http);
        assertThat(list(service("clipstream-gpu").get("ports"))).containsExactly("127.0.0.1:8082:" + http);
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            String text = Files.readString(ROOT.resolve(dockerfile));
            assertThat(text)
                    .as(dockerfile)
                    .contains("EXPOSE " + http)
                    .contains("COPY docker/clipstream.properties /etc/clipstream/clipstream.properties")
                    .contains("CMD [\"run\", \"--config\", \"/etc/clipstream/clipstream.properties\"]")
                    .contains("ENV CLIPSTREAM_CACHE=/models")
                    // The search scan does not use the Vector API (its plain loop was faster, BENCHMARKS.md); the
                    // module is not asked for: a JRE image without it would stop the JVM at start.
                    .doesNotContain("jdk.incubator.vector");
        }
    }

    @Test
    void theModelVolumeHoldsTheDownloadCachesFolder() throws Exception {
        ServiceConfig config = ServiceConfig.load(properties, env("clipstream"));
        assertThat(config.modelDir())
                .isEqualTo(
                        Path.of(env("clipstream").get("CLIPSTREAM_CACHE"), ModelFiles.ROBERTA_VIT_B_32.folderName()));
        assertThat(list(service("clipstream").get("volumes"))).contains("models:/models");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGpuVariantIsBehindAProfileWithADeviceReservationAndTheCudaBuild() throws Exception {
        Map<String, Object> gpu = service("clipstream-gpu");
        assertThat(list(gpu.get("profiles"))).containsExactly("gpu");
        assertThat(((Map<String, Object>) gpu.get("build")).get("dockerfile")).isEqualTo("Dockerfile.gpu");
        Map<String, Object> reservations = (Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) gpu.get("deploy")).get("resources")).get("reservations");
        Map<String, Object> device = ((List<Map<String, Object>>) reservations.get("devices")).get(0);
        assertThat(device.get("driver")).isEqualTo("nvidia");
        assertThat(list(device.get("capabilities"))).contains("gpu");
        assertThat(service("clipstream").get("profiles")).isNull();
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile.gpu"));
        assertThat(dockerfile)
                .contains("mvn -B package -DskipTests -Dbackend=cuda")
                .contains("FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04");
        assertThat(Files.readString(ROOT.resolve("Dockerfile")))
                .contains("mvn -B package -DskipTests")
                .doesNotContain("cuda")
                .contains("FROM eclipse-temurin:17-jre");
    }

    @Test
    void theImagesStartTheServiceWithTheCLibrarySettingsItNeeds() throws Exception {
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            String text = Files.readString(ROOT.resolve(dockerfile));
            ProcessEnvironment.MALLOC.forEach((name, value) ->
                    assertThat(text).as(dockerfile).containsPattern("(?m)^ENV " + name + "=" + value + "$"));
        }
        // the CPU image runs a stream thread per CPU, each batch on one OpenMP thread; the GPU image one stream
        // thread whose CPU-side work gets every CPU (the entrypoint's default)
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).containsPattern("(?m)^ENV OMP_NUM_THREADS=1$");
        assertThat(Files.readString(ROOT.resolve("Dockerfile.gpu"))).doesNotContain("ENV OMP_NUM_THREADS");
        assertThat(ProcessEnvironment.missing(Map.of("MALLOC_ARENA_MAX", "4")::get))
                .isEqualTo("MALLOC_MMAP_THRESHOLD_=131072");
        assertThat(ProcessEnvironment.missing(ProcessEnvironment.MALLOC::get)).isEmpty();
    }

    @Test
    void theImagesBuildTheServiceModulesTheyCopyAndNotTheBenchmarks() throws Exception {
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            String text = Files.readString(ROOT.resolve(dockerfile));
            // The root pom lists bench/ too: Maven needs its pom to read the project, the image not its code.
            assertThat(text)
                    .as(dockerfile)
                    .contains("-pl topology -am")
                    .contains("COPY bench/pom.xml bench/")
                    .doesNotContain("COPY bench/src");
            for (String module : List.of("schemas", "model", "topology")) {
                assertThat(text)
                        .as(dockerfile)
                        .contains("COPY " + module + "/pom.xml " + module + "/")
                        .contains("COPY " + module + "/src " + module + "/src");
            }
        }
    }

    @Test
    void theRegistryAndTheServicesHaveHealthchecksAndTheServicesWaitForHealthyDependencies() throws Exception {
        ServiceConfig config = ServiceConfig.load(properties, env("clipstream"));
        assertThat(String.join(" ", list(healthcheck("schema-registry").get("test"))))
                .contains("curl")
                .contains("http://localhost:8081/");
        for (String name : List.of("clipstream", "clipstream-gpu")) {
            Map<String, Object> check = healthcheck(name);
            assertThat(list(check.get("test")))
                    .as(name)
                    .containsExactly(
                            "CMD",
                            "curl",
                            "-fsS",
                            "-o",
                            "/dev/null",
                            "http://127.0.0.1:" + config.httpPort() + "/health/ready");
            assertThat(seconds(check.get("start_period")))
                    .as("%s: time to load the model", name)
                    .isGreaterThanOrEqualTo(120);
            Map<String, Object> dependsOn = map(service(name), "depends_on");
            assertThat(dependsOn).as(name).containsOnlyKeys("kafka", "schema-registry", "topics");
            dependsOn.forEach((dependency, how) -> {
                String condition = String.valueOf(((Map<?, ?>) how).get("condition"));
                assertThat(condition)
                        .as("%s waits for %s", name, dependency)
                        .isEqualTo(dependency.equals("topics") ? "service_completed_successfully" : "service_healthy");
                if (condition.equals("service_healthy")) {
                    assertThat(service(dependency).get("healthcheck"))
                            .as(dependency + " has a healthcheck")
                            .isNotNull();
                }
            });
        }
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            assertThat(Files.readString(ROOT.resolve(dockerfile)))
                    .as("%s has curl for the healthcheck", dockerfile)
                    .contains("apt-get install -y --no-install-recommends curl");
        }
    }

    @Test
    void longRunningServicesRestartUnlessStoppedAndOneShotsDoNot() {
        for (String name : List.of("kafka", "schema-registry", "clipstream", "clipstream-gpu")) {
            assertThat(service(name).get("restart")).as(name).isEqualTo("unless-stopped");
        }
        for (String name : List.of("topics", "clipstream-download")) {
            assertThat(service(name).get("restart")).as(name).isEqualTo("no");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void topicsAndStateLiveInNamedVolumesThatDownKeeps() throws Exception {
        Map<String, Object> volumes = (Map<String, Object>) compose.get("volumes");
        String logDirs = env("kafka").get("KAFKA_LOG_DIRS");
        assertThat(logDirs).as("the broker's data dir").isEqualTo("/var/lib/kafka/data");
        assertThat(list(service("kafka").get("volumes"))).containsExactly("kafka-data:" + logDirs);
        ServiceConfig config = ServiceConfig.load(properties, env("clipstream"));
        assertThat(list(service("clipstream").get("volumes")))
                .contains("clipstream-state:" + config.streams().stateDir());
        assertThat(list(service("clipstream-gpu").get("volumes")))
                .contains("clipstream-gpu-state:" + config.streams().stateDir());
        assertThat(volumes).containsKeys("kafka-data", "models", "clipstream-state", "clipstream-gpu-state");
        for (Object volume : volumes.values()) {
            assertThat(volume).as("a named volume, not an external or bind one").isNull();
        }
    }

    @Test
    void theDownloadServiceFillsTheModelVolumeWithoutStartingTheStack() throws Exception {
        Map<String, Object> download = service("clipstream-download");
        assertThat(list(download.get("profiles")))
                .as("not started by `up`")
                .isNotEmpty()
                .doesNotContain("gpu");
        assertThat(download.get("depends_on")).as("`run` starts nothing else").isNull();
        assertThat(download.get("ports")).isNull();
        assertThat(list(download.get("command"))).containsExactly("download");
        assertThat(download.get("image")).isEqualTo(service("clipstream").get("image"));
        String cache = env("clipstream-download").get("CLIPSTREAM_CACHE");
        assertThat(cache).isEqualTo(env("clipstream").get("CLIPSTREAM_CACHE"));
        assertThat(list(download.get("volumes"))).containsExactly("models:" + cache);
        assertThat(Files.readString(ROOT.resolve("docker-compose.yml")))
                .contains("docker compose run --rm clipstream-download");
        assertThat(Files.readString(ROOT.resolve("README.md"))).contains("docker compose run --rm clipstream-download");
    }

    @Test
    void theCpuAndGpuServicesHaveTheirOwnApplicationIds() throws Exception {
        ServiceConfig cpu = ServiceConfig.load(properties, env("clipstream"));
        ServiceConfig gpu = ServiceConfig.load(properties, env("clipstream-gpu"));
        assertThat(gpu.streams().applicationId()).isNotEqualTo(cpu.streams().applicationId());
        assertThat(gpu.streams().bootstrapServers()).isEqualTo(cpu.streams().bootstrapServers());
        assertThat(gpu.topology()).as("the same topics otherwise").isEqualTo(cpu.topology());
    }

    @Test
    void theImagesUseThePreExtractedJavacppCache() throws Exception {
        for (String dockerfile : List.of("Dockerfile", "Dockerfile.gpu")) {
            String text = Files.readString(ROOT.resolve(dockerfile));
            Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(text);
            assertThat(entrypoint.find()).as(dockerfile).isTrue();
            assertThat(entrypoint.group(1))
                    .as(dockerfile)
                    .startsWith("\"/opt/clipstream/entrypoint.sh\", \"java\"")
                    .contains("\"-Dorg.bytedeco.javacpp.cachedir=/opt/javacpp-cache\"");
            assertThat(text)
                    .as(dockerfile)
                    .contains("COPY docker/entrypoint.sh /opt/clipstream/entrypoint.sh")
                    .contains("RUN javac -cp topology/target/clipstream.jar -d /src/warmup docker/JavacppWarmup.java")
                    .contains("RUN java -Dorg.bytedeco.javacpp.cachedir=/opt/javacpp-cache -cp "
                            + "/opt/clipstream/clipstream.jar:/opt/clipstream/warmup \\\n        JavacppWarmup")
                    .contains("chown -R clipstream:clipstream /models /var/lib/clipstream /opt/javacpp-cache");
            assertThat(text.indexOf("USER clipstream"))
                    .as("%s: unpacked as the service's user", dockerfile)
                    .isLessThan(
                            text.indexOf("JavacppWarmup --require-backend") < 0
                                    ? text.indexOf("        JavacppWarmup")
                                    : text.indexOf("JavacppWarmup --require-backend"));
        }
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("JavacppWarmup --require-backend");
        assertThat(ROOT.resolve("docker/JavacppWarmup.java")).exists();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> healthcheck(String name) {
        Map<String, Object> check = (Map<String, Object>) service(name).get("healthcheck");
        assertThat(check).as(name + " healthcheck").isNotNull();
        return check;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> yaml, String key) {
        Map<String, Object> value = (Map<String, Object>) yaml.get(key);
        assertThat(value).as(key).isNotNull();
        return value;
    }

    /** A compose duration such as 300s or 5m, in seconds. */
    private static long seconds(Object duration) {
        Matcher m = Pattern.compile("(\\d+)([sm])").matcher(String.valueOf(duration));
        assertThat(m.matches()).as("duration %s", duration).isTrue();
        return Long.parseLong(m.group(1)) * (m.group(2).equals("m") ? 60 : 1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        Map<String, Object> service = (Map<String, Object>) services.get(name);
        assertThat(service).as("service " + name).isNotNull();
        return service;
    }

    private static Map<String, String> env(String name) {
        return map(service(name).get("environment"));
    }

    /** A YAML map with every scalar as the string Docker would pass. */
    private static Map<String, String> map(Object yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<?, ?>) yaml).forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }

    private static List<String> list(Object yaml) {
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) yaml) {
            out.add(String.valueOf(item));
        }
        return out;
    }
}

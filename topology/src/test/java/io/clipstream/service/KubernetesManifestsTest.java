package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.download.ModelFiles;
import io.clipstream.model.download.RepoFile;
import io.clipstream.schemas.Redaction;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kubernetes/ cannot be applied here (no cluster), so this holds it to the jar and the image: the ConfigMap's
 * properties validate as the service reads them, every CLIPSTREAM_* variable names a setting, the mounts are the
 * paths the settings and the image use, the probes ask real endpoints on the declared port, and the memory limit
 * leaves ND4J's off-heap memory room beside the heap.
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path DIR = ROOT.resolve("deploy/kubernetes");
    private static final long GIB = 1L << 30;
    private static final Map<String, List<Map<String, Object>>> byKind = new HashMap<>();

    @TempDir
    static Path tmp;

    private static Map<String, Object> pod;
    private static Map<String, Object> container;
    private static ServiceConfig config;

    @BeforeAll
    static void read() throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object doc : new Yaml().loadAll(Files.readString(file))) {
                    Map<String, Object> manifest = cast(doc);
                    byKind.computeIfAbsent(String.valueOf(manifest.get("kind")), k -> new ArrayList<>())
                            .add(manifest);
                }
            }
        }
        pod = map(map(one("StatefulSet", "clipstream"), "spec", "template"), "spec");
        container = named(list(pod, "containers"), "clipstream");
        Path properties = Files.writeString(tmp.resolve("clipstream.properties"), configMapProperties());
        config = ServiceConfig.load(properties, podEnv(container)); // throws with every problem
    }

    @Test
    void kustomizationListsEveryManifest() throws Exception {
        Map<String, Object> kustomization = one("Kustomization", null);
        List<String> resources = strings(kustomization.get("resources"));
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(resources)
                    .containsExactlyInAnyOrderElementsOf(
                            files.map(f -> f.getFileName().toString())
                                    .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                                    .toList());
        }
    }

    @Test
    void everyConfigMapKeyIsASettingAndTheFileValidates() throws Exception {
        Properties props = new Properties();
        props.load(new StringReader(configMapProperties()));
        Set<String> known = new HashSet<>();
        ServiceConfig.KEYS.forEach(k -> known.add(k.name()));
        List<String> keys = new ArrayList<>(props.stringPropertyNames());
        Matcher commented = Pattern.compile("(?m)^\\s*#([a-z][a-z0-9.]*)=").matcher(configMapProperties());
        while (commented.find()) {
            keys.add(commented.group(1)); // the examples left commented out must be right too
        }
        assertThat(keys)
                .isNotEmpty()
                .allSatisfy(key -> assertThat(known.contains(key)
                                || key.startsWith(ServiceConfig.KAFKA_PREFIX)
                                || key.startsWith(ServiceConfig.REGISTRY_SSL_PREFIX))
                        .as("%s is a setting of clipstream", key)
                        .isTrue());
        assertThat(keys)
                .as("current names, not deprecated ones")
                .doesNotContainAnyElementsOf(ServiceConfig.RENAMED.keySet());
        assertThat(props.stringPropertyNames())
                .as("credentials belong in the Secret")
                .noneMatch(Redaction::isSecretKey);
        assertThat(config.httpBindAddress())
                .as("the kubelet probes the pod's address")
                .isEqualTo("0.0.0.0");
        assertThat(config.shutdownTimeout().toMillis())
                .as("shutdown within the grace period")
                .isLessThan(1000L * ((Number) pod.get("terminationGracePeriodSeconds")).longValue());
    }

    @Test
    void everyClipstreamVariableNamesASettingAndCredentialsComeFromTheSecret() throws Exception {
        Set<String> envNames = new HashSet<>(ServiceConfig.OTHER_ENV);
        ServiceConfig.KEYS.forEach(k -> envNames.add(k.envName()));
        Map<String, Object> secret = one("Secret", null);
        String secretText = Files.readString(DIR.resolve("secret.yaml"));
        Path properties = Files.writeString(tmp.resolve("env-check.properties"), configMapProperties());
        List<Map<String, Object>> env = list(container, "env");
        assertThat(env).isNotEmpty();
        for (Map<String, Object> var : env) {
            String name = String.valueOf(var.get("name"));
            if (!name.startsWith("CLIPSTREAM_")) {
                continue;
            }
            String key = name.substring("CLIPSTREAM_".length())
                    .toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '.');
            assertThat(envNames.contains(name)
                            || key.startsWith(ServiceConfig.KAFKA_PREFIX)
                            || key.startsWith(ServiceConfig.REGISTRY_SSL_PREFIX))
                    .as("%s names a setting", name)
                    .isTrue();
            if (PER_POD.contains(name)) {
                continue; // built from the downward API, checked in eachPodAdvertisesItsOwnAddressForSearches
            }
            Map<String, Object> ref = map(map(var, "valueFrom"), "secretKeyRef");
            assertThat(ref.get("name"))
                    .as(name)
                    .isEqualTo(map(secret, "metadata").get("name"));
            assertThat(ref.get("optional"))
                    .as("%s: leave out what you do not use", name)
                    .isEqualTo(true);
            assertThat(secretText)
                    .as("secret.yaml documents %s", ref.get("key"))
                    .contains(ref.get("key") + ":");
            String setting = envNames.contains(name)
                    ? ServiceConfig.KEYS.stream()
                            .filter(k -> k.envName().equals(name))
                            .findFirst()
                            .orElseThrow()
                            .name()
                    : key;
            assertThat(Redaction.isSecretKey(setting)
                            || ServiceConfig.KEYS.stream()
                                    .anyMatch(k -> k.name().equals(setting) && k.secret()))
                    .as("%s is a credential", setting)
                    .isTrue();
            Map<String, String> withSecret = new HashMap<>(podEnv(container));
            withSecret.put(name, "user:secret");
            if (name.equals("CLIPSTREAM_BEARER_AUTH_TOKEN")) { // sent only with its source set (configmap.yaml)
                withSecret.put("CLIPSTREAM_BEARER_AUTH_CREDENTIALS_SOURCE", "STATIC_TOKEN");
            }
            ServiceConfig.load(properties, withSecret); // the service accepts it
        }
        // one OpenMP thread a batch and a stream thread per CPU of the limit: no more threads than the quota
        assertThat(named(env, "OMP_NUM_THREADS")).containsEntry("value", "1");
        assertThat(config.streams().streamThreads())
                .as("num.stream.threads=auto with OMP_NUM_THREADS=1: one per CPU of this JVM")
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(pod.get("enableServiceLinks")).isEqualTo(false);
    }

    @Test
    void eachPodAdvertisesItsOwnAddressForSearches() throws Exception {
        List<Map<String, Object>> env = list(container, "env");
        List<String> names =
                env.stream().map(v -> String.valueOf(v.get("name"))).toList();
        Map<String, Object> server = named(env, "CLIPSTREAM_APPLICATION_SERVER");
        String serviceName =
                String.valueOf(map(one("StatefulSet", "clipstream"), "spec").get("serviceName"));
        assertThat(server.get("value"))
                .as("the pod's DNS name under the headless Service, and the http port")
                .isEqualTo("$(POD_NAME)." + serviceName + ".$(POD_NAMESPACE).svc.cluster.local:" + config.httpPort());
        for (Map.Entry<String, String> field : Map.of(
                        "POD_NAME", "metadata.name", "POD_NAMESPACE", "metadata.namespace")
                .entrySet()) {
            assertThat(map(map(named(env, field.getKey()), "valueFrom"), "fieldRef"))
                    .containsEntry("fieldPath", field.getValue());
            assertThat(names.indexOf(field.getKey()))
                    .as("Kubernetes expands $(%s) only from a variable defined above", field.getKey())
                    .isLessThan(names.indexOf("CLIPSTREAM_APPLICATION_SERVER"));
        }
        assertThat(config.applicationServer())
                .as("as the service reads it in pod clipstream-0")
                .isEqualTo("clipstream-0." + serviceName + ".default.svc.cluster.local:8080");
        Properties props = new Properties();
        props.load(new StringReader(configMapProperties()));
        assertThat(props.stringPropertyNames())
                .as("per pod: not in the ConfigMap all pods share")
                .doesNotContain("application.server");
    }

    @Test
    void portsAndProbesAskTheServicesRealEndpoints() throws Exception {
        Map<String, Object> port = named(list(container, "ports"), "http");
        assertThat(port.get("containerPort")).isEqualTo(config.httpPort());
        Map<String, Object> ready = map(container, "readinessProbe");
        Map<String, Object> live = map(container, "livenessProbe");
        assertThat(map(ready, "httpGet")).containsEntry("path", "/health/ready").containsEntry("port", "http");
        assertThat(map(live, "httpGet")).containsEntry("path", "/health/live").containsEntry("port", "http");
        // Liveness is served before the model loads; it must still not kill a pod that is merely slow to start.
        assertThat(tolerance(live)).as("seconds before liveness restarts a pod").isGreaterThanOrEqualTo(120);
        assertThat(tolerance(live)).isGreaterThan(tolerance(ready));
        for (Map<String, Object> probe : List.of(ready, live)) {
            assertThat(((Number) probe.get("failureThreshold")).intValue()).isGreaterThanOrEqualTo(3);
            assertThat(((Number) probe.get("timeoutSeconds")).intValue()).isGreaterThanOrEqualTo(2);
        }
        // The paths are the service's: 200 or 503, never 404.
        HttpClient http = HttpClient.newHttpClient();
        try (Monitoring monitoring = Monitoring.start("127.0.0.1", 0)) {
            for (Map<String, Object> probe : List.of(ready, live)) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(monitoring.http().url()
                                        + map(probe, "httpGet").get("path")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(response.body()).isIn(200, 503);
            }
        }
    }

    @Test
    void aHeadlessServiceForTheStatefulSetAndANormalOneForHttp() {
        Map<String, Object> spec = map(one("StatefulSet", "clipstream"), "spec");
        Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
        assertThat(map(map(spec, "selector"), "matchLabels")).isEqualTo(podLabels);
        Map<String, Object> headless = map(one("Service", String.valueOf(spec.get("serviceName"))), "spec");
        assertThat(headless.get("clusterIP")).isEqualTo("None");
        Map<String, Object> normal = map(one("Service", "clipstream"), "spec");
        assertThat(normal.get("clusterIP")).isNull();
        for (Map<String, Object> service : List.of(headless, normal)) {
            assertThat(map(service, "selector")).isEqualTo(podLabels);
            assertThat(named(list(service, "ports"), "http"))
                    .containsEntry("port", config.httpPort())
                    .containsEntry("targetPort", "http");
        }
        Map<String, Object> annotations = map(map(map(spec, "template"), "metadata"), "annotations");
        assertThat(annotations)
                .containsEntry("prometheus.io/port", String.valueOf(config.httpPort()))
                .containsEntry("prometheus.io/path", "/metrics");
    }

    @Test
    void theMountsAreWhereTheSettingsAndTheImageLook() throws Exception {
        Map<String, String> mounts = mounts(container);
        // state.dir: the pod's own claim.
        assertThat(mounts).containsEntry("state", config.streams().stateDir().toString());
        Map<String, Object> claim = named(
                list(map(one("StatefulSet", "clipstream"), "spec"), "volumeClaimTemplates").stream()
                        .map(c -> {
                            Map<String, Object> named = new LinkedHashMap<>(c);
                            named.put("name", map(c, "metadata").get("name"));
                            return named;
                        })
                        .toList(),
                "state");
        assertThat(strings(map(claim, "spec").get("accessModes"))).containsExactly("ReadWriteOnce");
        // model.dir: the model volume's folder of the default model, filled by the download init container.
        String models = mounts.get("models");
        assertThat(config.modelDir()).isEqualTo(Path.of(models, ModelFiles.ROBERTA_VIT_B_32.folderName()));
        assertThat(named(list(container, "volumeMounts"), "models").get("readOnly"))
                .isEqualTo(true);
        Map<String, Object> download = named(list(pod, "initContainers"), "download-model");
        assertThat(mounts(download)).containsEntry("models", models);
        assertThat(literalEnv(download)).containsEntry("CLIPSTREAM_CACHE", models);
        String script = String.join(" ", strings(download.get("command")));
        assertThat(script)
                .contains("clipstream.jar download")
                .contains(config.modelDir().toString());
        for (RepoFile file : ModelFiles.ROBERTA_VIT_B_32.files()) {
            assertThat(script).as("checks for " + file.name()).contains(file.name());
        }
        assertThat(claimName(pod, "models"))
                .isEqualTo(map(one("PersistentVolumeClaim", claimName(pod, "models")), "metadata")
                        .get("name"));
        // The properties file: the ConfigMap at the path the arguments name.
        assertThat(strings(container.get("args")))
                .containsExactly("run", "--config", mounts.get("config") + "/clipstream.properties");
        assertThat(map(volume(pod, "config"), "configMap").get("name"))
                .isEqualTo(
                        map(one("ConfigMap", "clipstream-config"), "metadata").get("name"));
        // The JavaCPP cache: where the image's java command line points JavaCPP, filled from the image.
        String cacheDir = entrypointOption("-Dorg.bytedeco.javacpp.cachedir=");
        assertThat(mounts).containsEntry("javacpp-cache", cacheDir);
        Map<String, Object> copy = named(list(pod, "initContainers"), "javacpp-cache");
        assertThat(strings(copy.get("command")))
                .containsExactly("cp", "-a", cacheDir + "/.", mounts(copy).get("javacpp-cache") + "/");
        assertThat(mounts).containsEntry("tmp", "/tmp");
        for (String emptyDir : List.of("tmp", "javacpp-cache")) {
            assertThat(map(volume(pod, emptyDir), "emptyDir")).containsKey("sizeLimit");
        }
    }

    @Test
    void nonRootWithAReadOnlyRootFileSystem() throws Exception {
        Map<String, Object> security = map(pod, "securityContext");
        assertThat(security).containsEntry("runAsNonRoot", true);
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        Matcher uid = Pattern.compile("useradd --system --uid (\\d+) --gid clipstream")
                .matcher(dockerfile);
        assertThat(uid.find()).isTrue();
        assertThat(security.get("runAsUser")).isEqualTo(Integer.parseInt(uid.group(1)));
        assertThat(security.get("fsGroup"))
                .as("volumes writable by the image's user")
                .isNotNull();
        List<Map<String, Object>> all = new ArrayList<>(list(pod, "initContainers"));
        all.add(container);
        for (Map<String, Object> c : all) {
            Map<String, Object> cs = map(c, "securityContext");
            assertThat(cs)
                    .as(String.valueOf(c.get("name")))
                    .containsEntry("readOnlyRootFilesystem", true)
                    .containsEntry("allowPrivilegeEscalation", false);
            assertThat(strings(map(cs, "capabilities").get("drop"))).containsExactly("ALL");
        }
    }

    @Test
    void resourcesLeaveRoomForNd4jOffHeapBesideTheHeap() throws Exception {
        Map<String, Object> resources = map(container, "resources");
        Map<String, Object> requests = map(resources, "requests");
        Map<String, Object> limits = map(resources, "limits");
        for (Map<String, Object> r : List.of(requests, limits)) {
            assertThat(r).containsKeys("cpu", "memory");
        }
        long memoryLimit = bytes(limits.get("memory"));
        double heapShare = Double.parseDouble(entrypointOption("-XX:MaxRAMPercentage=")) / 100;
        long heap = (long) (memoryLimit * heapShare);
        // README: ND4J holds about 0.9 GB off-heap (weights, activations); RocksDB, Kafka's buffers, metaspace and
        // threads come on top. Peak resident memory of the service was about 2.0 GB.
        assertThat(memoryLimit - heap).as("off-heap room").isGreaterThanOrEqualTo(3 * GIB / 2);
        assertThat(memoryLimit).as("the measured peak").isGreaterThanOrEqualTo(2 * GIB);
        assertThat(heap).as("a heap for Kafka Streams and the image buffers").isGreaterThanOrEqualTo(GIB);
        assertThat(bytes(requests.get("memory"))).isLessThanOrEqualTo(memoryLimit);
        assertThat(millicores(requests.get("cpu"))).isLessThanOrEqualTo(millicores(limits.get("cpu")));
    }

    @Test
    void theImageIsTheOneTheDockerfileAndComposeBuild() throws Exception {
        List<Map<String, Object>> all = new ArrayList<>(list(pod, "initContainers"));
        all.add(container);
        Set<Object> images = new HashSet<>();
        all.forEach(c -> images.add(c.get("image")));
        assertThat(images).hasSize(1);
        String image = String.valueOf(images.iterator().next());
        String repository = image.substring(0, image.indexOf(':'));
        String tag = image.substring(image.indexOf(':') + 1);
        assertThat(Files.readString(ROOT.resolve("Dockerfile"))).contains("docker build -t " + repository + " .");
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        String composeImage =
                String.valueOf(map(map(compose, "services"), "clipstream").get("image"));
        assertThat(composeImage).startsWith(repository + ":");
        Matcher version = Pattern.compile("<artifactId>clipstream-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(tag)
                .as("the release of this source tree")
                .isEqualTo(version.group(1).replace("-SNAPSHOT", ""));
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static String configMapProperties() {
        return String.valueOf(map(one("ConfigMap", "clipstream-config"), "data").get("clipstream.properties"));
    }

    /** The literal (non-secret) environment of a container, as the service would see it. */
    /**
     * CLIPSTREAM_* variables whose value is not a credential but differs per pod, built from the downward API; every
     * other CLIPSTREAM_* variable is a credential from the Secret (settings shared by all pods belong in the ConfigMap).
     */
    private static final Set<String> PER_POD = Set.of("CLIPSTREAM_APPLICATION_SERVER");

    /** What the downward API gives pod clipstream-0 of namespace default, for the variables the manifest asks. */
    private static final Map<String, String> DOWNWARD_API =
            Map.of("metadata.name", "clipstream-0", "metadata.namespace", "default");

    /**
     * The container's environment as the kubelet sets it in pod clipstream-0: literal values with {@code $(NAME)}
     * replaced by the variables defined above them, and the downward API's fields; secrets left out.
     */
    private static Map<String, String> podEnv(Map<String, Object> c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> var : list(c, "env")) {
            String name = String.valueOf(var.get("name"));
            if (var.containsKey("value")) {
                Matcher ref =
                        Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(String.valueOf(var.get("value")));
                StringBuilder value = new StringBuilder();
                while (ref.find()) {
                    String defined = env.get(ref.group(1));
                    ref.appendReplacement(value, Matcher.quoteReplacement(defined == null ? ref.group() : defined));
                }
                ref.appendTail(value);
                env.put(name, value.toString());
            } else if (var.get("valueFrom") instanceof Map<?, ?> from && from.get("fieldRef") instanceof Map<?, ?> f) {
                String field = DOWNWARD_API.get(String.valueOf(f.get("fieldPath")));
                if (field != null) {
                    env.put(name, field);
                }
            }
        }
        return env;
    }

    private static Map<String, String> literalEnv(Map<String, Object> c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> var : list(c, "env")) {
            if (var.containsKey("value")) {
                env.put(String.valueOf(var.get("name")), String.valueOf(var.get("value")));
            }
        }
        return env;
    }

    private static Map<String, String> mounts(Map<String, Object> c) {
        Map<String, String> out = new LinkedHashMap<>();
        list(c, "volumeMounts")
                .forEach(m -> out.put(String.valueOf(m.get("name")), String.valueOf(m.get("mountPath"))));
        return out;
    }

    private static Map<String, Object> volume(Map<String, Object> podSpec, String name) {
        return named(list(podSpec, "volumes"), name);
    }

    private static String claimName(Map<String, Object> podSpec, String volume) {
        return String.valueOf(
                map(volume(podSpec, volume), "persistentVolumeClaim").get("claimName"));
    }

    /** A -X or -D option's value on the CPU image's ENTRYPOINT line. */
    private static String entrypointOption(String prefix) throws Exception {
        Matcher m = Pattern.compile("(?m)^ENTRYPOINT .*\"" + Pattern.quote(prefix) + "([^\"]+)\"")
                .matcher(Files.readString(ROOT.resolve("Dockerfile")));
        assertThat(m.find()).as(prefix + " on the ENTRYPOINT").isTrue();
        return m.group(1);
    }

    private static long tolerance(Map<String, Object> probe) {
        return ((Number) probe.get("initialDelaySeconds")).longValue()
                + ((Number) probe.get("periodSeconds")).longValue()
                        * ((Number) probe.get("failureThreshold")).longValue();
    }

    private static long bytes(Object quantity) {
        Matcher m = Pattern.compile("(\\d+)(Ki|Mi|Gi)?").matcher(String.valueOf(quantity));
        assertThat(m.matches()).as("quantity %s", quantity).isTrue();
        long unit = m.group(2) == null
                ? 1
                : switch (m.group(2)) {
                    case "Ki" -> 1L << 10;
                    case "Mi" -> 1L << 20;
                    default -> GIB;
                };
        return Long.parseLong(m.group(1)) * unit;
    }

    private static long millicores(Object quantity) {
        String q = String.valueOf(quantity);
        return q.endsWith("m") ? Long.parseLong(q.substring(0, q.length() - 1)) : Long.parseLong(q) * 1000;
    }

    private static Map<String, Object> one(String kind, String name) {
        List<Map<String, Object>> all = byKind.getOrDefault(kind, List.of());
        List<Map<String, Object>> found = all.stream()
                .filter(m -> name == null || name.equals(map(m, "metadata").get("name")))
                .toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> named(List<Map<String, Object>> items, String name) {
        List<Map<String, Object>> found =
                items.stream().filter(i -> name.equals(i.get("name"))).toList();
        assertThat(found).as("an item named %s", name).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> map(Map<String, Object> yaml, String... path) {
        Map<String, Object> at = yaml;
        for (String key : path) {
            assertThat(at.get(key)).as(key).isInstanceOf(Map.class);
            at = cast(at.get(key));
        }
        return at;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> yaml, String key) {
        assertThat(yaml.get(key)).as(key).isInstanceOf(List.class);
        return (List<Map<String, Object>>) yaml.get(key);
    }

    private static List<String> strings(Object yaml) {
        assertThat(yaml).isInstanceOf(List.class);
        return ((List<?>) yaml).stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object yaml) {
        return (Map<String, Object>) yaml;
    }
}

package io.clipstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The service's runnable jar carries the service, not the benchmarks (they run from their own jar beside it). */
class ServiceJarTest {
    private static final Path SERVICE_JAR =
            Path.of("").toAbsolutePath().getParent().resolve("topology/target/clipstream.jar");

    @Test
    void theServiceJarHoldsNoBenchmarkClasses() throws Exception {
        assumeTrue(Files.isRegularFile(SERVICE_JAR), "built by `mvn package` of the topology module first");
        try (JarFile jar = new JarFile(SERVICE_JAR.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("io/clipstream/cli/Main.class", "io/clipstream/cli/DemoCommand.class");
            assertThat(names)
                    .noneMatch(n -> n.startsWith("io/clipstream/bench/"))
                    .noneMatch(n -> n.startsWith("io/clipstream/") && n.contains("Bench"));
        }
    }
}

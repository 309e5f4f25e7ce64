package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docker/entrypoint.sh run with sh on made-up /proc/cpuinfo files: which OpenBLAS kernels it asks for. */
class DockerEntrypointTest {
    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("docker/entrypoint.sh");

    @TempDir
    Path dir;

    @Test
    void anAvx512CpuGetsTheSkylakeXKernels() throws Exception {
        assertThat(coreType("fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_vnni", null)).isEqualTo("SkylakeX");
    }

    @Test
    void anAvx2CpuGetsTheHaswellKernels() throws Exception {
        assertThat(coreType("fpu sse2 avx avx2 fma bmi2", null)).isEqualTo("Haswell");
    }

    @Test
    void avx512WithoutTheByteAndWordExtensionsIsTreatedAsAvx2() throws Exception {
        // Xeon Phi: avx512f but no avx512bw/vl, which SkylakeX kernels need.
        assertThat(coreType("fpu avx avx2 fma avx512f avx512cd avx512er", null)).isEqualTo("Haswell");
    }

    @Test
    void anOlderCpuIsLeftToOpenBlas() throws Exception {
        assertThat(coreType("fpu sse2 sse4_2 avx", null)).isEqualTo("unset");
    }

    @Test
    void aValueGivenByTheOperatorIsKept() throws Exception {
        assertThat(coreType("fpu avx2 fma avx512f avx512dq avx512bw avx512vl", "Zen")).isEqualTo("Zen");
    }

    private String coreType(String flags, String preset) throws Exception {
        Path cpuinfo = Files.writeString(dir.resolve("cpuinfo-" + flags.hashCode()),
                "processor\t: 0\nmodel name\t: test\nflags\t\t: " + flags + "\n\nprocessor\t: 1\nflags\t\t: fpu\n");
        ProcessBuilder pb = new ProcessBuilder(List.of("sh", SCRIPT.toString(), "sh", "-c",
                "printf %s \"${OPENBLAS_CORETYPE:-unset}\""));
        pb.environment().remove("OPENBLAS_CORETYPE");
        if (preset != null) {
            pb.environment().put("OPENBLAS_CORETYPE", preset);
        }
        pb.environment().put("ENTRYPOINT_CPUINFO", cpuinfo.toString());
        Process p = pb.redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}

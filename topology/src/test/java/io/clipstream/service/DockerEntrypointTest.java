package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/entrypoint.sh run with sh on made-up /proc/cpuinfo files and cgroup trees: which OpenBLAS kernels it asks
 * for, and how many OpenMP threads it allows from the container's CPU limit.
 */
class DockerEntrypointTest {
    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("docker/entrypoint.sh");

    @TempDir
    Path dir;

    @Test
    void anAvx512CpuGetsTheSkylakeXKernels() throws Exception {
        assertThat(coreType("fpu sse2 avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_vnni", null))
                .isEqualTo("SkylakeX");
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
        assertThat(coreType("fpu avx2 fma avx512f avx512dq avx512bw avx512vl", "Zen"))
                .isEqualTo("Zen");
    }

    @Test
    void cgroupV2WithoutALimitUsesEveryCpuThisProcessMayRunOn() throws Exception {
        assertThat(ompThreads(Map.of("cpu.max", "max 100000\n"), null)).isEqualTo(nproc());
    }

    @Test
    void cgroupV2LimitOfTwoCpusGivesTwoThreads() throws Exception {
        assertThat(ompThreads(Map.of("cpu.max", "200000 100000\n"), null)).isEqualTo(Math.min(2, nproc()));
    }

    @Test
    void aFractionalLimitIsRoundedUpAndNeverBelowOne() throws Exception {
        assertThat(ompThreads(Map.of("cpu.max", "150000 100000\n"), null)).isEqualTo(Math.min(2, nproc()));
        assertThat(ompThreads(Map.of("cpu.max", "10000 100000\n"), null)).isEqualTo(1);
        assertThat(ompThreads(Map.of("cpu.max", "100000 100000\n"), null)).isEqualTo(1);
    }

    @Test
    void aLimitAboveTheCpusAvailableIsCappedAtThem() throws Exception {
        assertThat(ompThreads(Map.of("cpu.max", "100000000 100000\n"), null)).isEqualTo(nproc());
    }

    @Test
    void cgroupV1QuotaAndPeriodAreRead() throws Exception {
        assertThat(ompThreads(Map.of("cpu/cpu.cfs_quota_us", "50000\n", "cpu/cpu.cfs_period_us", "100000\n"), null))
                .isEqualTo(1);
        assertThat(ompThreads(
                        Map.of("cpu,cpuacct/cpu.cfs_quota_us", "200000\n", "cpu,cpuacct/cpu.cfs_period_us", "100000\n"),
                        null))
                .isEqualTo(Math.min(2, nproc()));
    }

    @Test
    void cgroupV1WithoutAQuotaUsesEveryCpu() throws Exception {
        assertThat(ompThreads(Map.of("cpu/cpu.cfs_quota_us", "-1\n", "cpu/cpu.cfs_period_us", "100000\n"), null))
                .isEqualTo(nproc());
    }

    @Test
    void noCgroupFilesOrGarbledOnesFallBackToNproc() throws Exception {
        assertThat(ompThreads(Map.of(), null)).isEqualTo(nproc());
        assertThat(ompThreads(Map.of("cpu.max", "lots\n"), null)).isEqualTo(nproc());
    }

    @Test
    void anOmpNumThreadsGivenByTheOperatorIsKept() throws Exception {
        assertThat(ompThreads(Map.of("cpu.max", "100000 100000\n"), "6")).isEqualTo(6);
    }

    private int ompThreads(Map<String, String> files, String preset) throws Exception {
        Path root = Files.createTempDirectory(dir, "cgroup");
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = root.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        ProcessBuilder pb = new ProcessBuilder(
                List.of("sh", SCRIPT.toString(), "sh", "-c", "printf %s \"${OMP_NUM_THREADS:-unset}\""));
        pb.environment().remove("OMP_NUM_THREADS");
        if (preset != null) {
            pb.environment().put("OMP_NUM_THREADS", preset);
        }
        pb.environment().put("CGROUP_ROOT", root.toString());
        return Integer.parseInt(run(pb));
    }

    /** The CPUs this process may run on, as the script's fallback counts them. */
    private static int nproc() throws Exception {
        return Integer.parseInt(run(new ProcessBuilder("nproc")).trim());
    }

    private static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private String coreType(String flags, String preset) throws Exception {
        Path cpuinfo = Files.writeString(
                dir.resolve("cpuinfo-" + flags.hashCode()),
                "processor\t: 0\nmodel name\t: test\nflags\t\t: " + flags + "\n\nprocessor\t: 1\nflags\t\t: fpu\n");
        ProcessBuilder pb = new ProcessBuilder(
                List.of("sh", SCRIPT.toString(), "sh", "-c", "printf %s \"${OPENBLAS_CORETYPE:-unset}\""));
        pb.environment().remove("OPENBLAS_CORETYPE");
        if (preset != null) {
            pb.environment().put("OPENBLAS_CORETYPE", preset);
        }
        pb.environment().put("ENTRYPOINT_CPUINFO", cpuinfo.toString());
        return run(pb);
    }
}

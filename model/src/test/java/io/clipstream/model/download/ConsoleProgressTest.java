package io.clipstream.model.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTerminalGetsABarRedrawnAtMostFiveTimesASecond() {
        ConsoleProgress p = new ConsoleProgress(out, true, () -> now);
        p.started("w.bin", 2_000_000, 0);
        for (int i = 1; i <= 100; i++) {
            now += 10_000_000; // 20 kB per 10 ms: 2 MB/s for 1 s
            p.advanced("w.bin", i * 20_000L, 2_000_000);
        }

        String t = text();
        long redraws = t.chars().filter(c -> c == '\r').count();
        assertThat(redraws).isEqualTo(6); // the first draw, then one per 200 ms
        assertThat(t).contains("\rw.bin [####--------------------] 0.4/2.0 MB 2.0 MB/s\u001b[K");
        assertThat(t).endsWith("\rw.bin [########################] 2.0/2.0 MB 2.0 MB/s\u001b[K");
        assertThat(t).doesNotContain("\n");
    }

    @Test
    void withoutATerminalEachFileGetsPlainLines() {
        ConsoleProgress p = new ConsoleProgress(out, false, () -> now);
        p.started("w.bin", 3_000_000, 1_000_000);
        for (int i = 0; i < 50; i++) {
            now += 40_000_000;
            p.advanced("w.bin", 1_000_000 + i * 40_000L, 3_000_000);
        }
        p.finished("w.bin", 3_000_000);
        p.skipped("config.json", 500);

        assertThat(text())
                .isEqualTo("downloading w.bin (3.0 MB) resuming at 1.0 MB\n"
                        + "w.bin: 3.0 MB in 2.0 s (1.0 MB/s), verified\n"
                        + "config.json: already complete (0.0 MB), verified\n");
    }
}

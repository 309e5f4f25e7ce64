package io.clipstream.model.download;

/**
 * Where a download reports what it is doing. The console implementation draws a bar on stderr; tests record
 * the calls. Calls come from the downloading thread, in order: {@code started}, any number of {@code advanced},
 * then {@code finished} (or {@code retrying} and another {@code started}); {@code skipped} replaces all of them
 * for a file that is already complete.
 */
public interface DownloadProgress {
    /** A transfer of {@code file} begins; {@code resumedFrom} bytes were already in its part file. */
    void started(String file, long size, long resumedFrom);

    /** {@code done} of {@code size} bytes of {@code file} are on disk. Called often; sinks throttle. */
    void advanced(String file, long done, long size);

    /** {@code file} is complete and verified under its final name. */
    void finished(String file, long size);

    /** {@code file} was already complete and verified; nothing was downloaded. */
    void skipped(String file, long size);

    /** The connection failed; the download resumes after a pause. */
    void retrying(String file, int attempt, String reason);

    /** A sink that ignores everything. */
    static DownloadProgress none() {
        return new DownloadProgress() {
            @Override
            public void started(String file, long size, long resumedFrom) {}

            @Override
            public void advanced(String file, long done, long size) {}

            @Override
            public void finished(String file, long size) {}

            @Override
            public void skipped(String file, long size) {}

            @Override
            public void retrying(String file, int attempt, String reason) {}
        };
    }
}

package io.clipstream.model.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches a model's files from the Hugging Face Hub into a folder. For each file it asks the Hub for the size
 * and content hash (HEAD), skips the file when the copy on disk already matches, otherwise streams it into
 * {@code <name>.part} (resuming from the part's length with an HTTP Range request), checks size and hash, and
 * only then renames it to its final name, so a final name never holds a half or corrupt file.
 *
 * <pre>new ModelDownloader(HubEndpoint.fromEnvironment(), "main", ConsoleProgress.toStderr())
 *         .download(ModelFiles.ROBERTA_VIT_B_32, ModelDownloader.defaultModelDir());</pre>
 */
public final class ModelDownloader {
    static final String PART_SUFFIX = ".part";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    private final HubEndpoint endpoint;
    private final String revision;
    private final DownloadProgress progress;
    private final DownloadPolicy policy;
    private final HubClient client;

    /**
     * @param revision a branch, tag or commit hash; a commit hash pins the exact files
     */
    public ModelDownloader(HubEndpoint endpoint, String revision, DownloadProgress progress) {
        this(endpoint, revision, progress, DownloadPolicy.DEFAULT);
    }

    ModelDownloader(HubEndpoint endpoint, String revision, DownloadProgress progress, DownloadPolicy policy) {
        this.endpoint = endpoint;
        this.revision = revision;
        this.progress = progress;
        this.policy = policy;
        this.client = new HubClient(policy);
        endpoint.fileUrl("a/b", revision, "c"); // rejects a malformed revision now, not mid-download
    }

    /** The default model folder; see {@link ModelCache}. */
    public static Path defaultModelDir() {
        return ModelCache.defaultModelDir();
    }

    /** Downloads every file of {@code model} into {@code targetDir} (created if needed) and returns the folder. */
    public Path download(ModelFiles model, Path targetDir) throws IOException {
        Files.createDirectories(targetDir);
        for (RepoFile file : model.files()) {
            fetch(file, targetDir);
        }
        return targetDir;
    }

    private void fetch(RepoFile file, Path dir) throws IOException {
        URI url = endpoint.fileUrl(file.repo(), revision, file.name());
        RemoteFile remote;
        try {
            remote = client.head(url, file);
        } catch (DownloadException | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (isUnreachable(e)) {
                throw cannotReach(endpoint.base(), dir, e);
            }
            throw new DownloadException("asking " + url + " about " + file.name() + " failed: " + e, e);
        }
        if (COMMIT.matcher(revision).matches()
                && remote.commit() != null
                && !remote.commit().equals(revision)) {
            throw new DownloadException(
                    file.name() + ": asked for commit " + revision + " but the server answered for " + remote.commit());
        }
        Path target = dir.resolve(file.name());
        if (Files.isRegularFile(target)
                && Files.size(target) == remote.size()
                && remote.hash().hashOf(target).equals(remote.hash().hex())) {
            progress.skipped(file.name(), remote.size());
            return;
        }
        Path part = dir.resolve(file.name() + PART_SUFFIX);
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock == null) {
                throw new DownloadException(part + " is locked: another download of this model is running");
            }
            requireSpace(dir, remote.size() - Math.min(channel.size(), remote.size()));
            transfer(file, remote, channel);
            channel.force(true);
        } catch (UnusablePart e) {
            // The server broke the protocol: what the part holds cannot be trusted, resuming it would not help.
            Files.deleteIfExists(part);
            throw new DownloadException(e.getMessage() + "; the partial file was deleted");
        }
        verify(file, remote, part);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        progress.finished(file.name(), remote.size());
    }

    /** Fills the part file up to the announced size, resuming on dropped connections. */
    private void transfer(RepoFile file, RemoteFile remote, FileChannel part) throws IOException {
        for (int attempt = 1; ; attempt++) {
            if (part.size() > remote.size()) {
                part.truncate(0);
            }
            if (part.size() == remote.size()) {
                return;
            }
            try {
                receive(file, remote, part);
                return;
            } catch (DownloadException | UnusablePart | InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (hasCause(e, UnknownHostException.class) || hasCause(e, UnresolvedAddressException.class)) {
                    throw cannotReach(remote.location(), null, e);
                }
                if (attempt >= policy.maxAttempts()) {
                    throw new DownloadException(
                            file.name() + ": giving up after " + attempt + " attempts (" + e.getMessage() + "); "
                                    + part.size()
                                    + " bytes are kept in the part file, run the download again to resume",
                            e);
                }
                progress.retrying(file.name(), attempt + 1, String.valueOf(e.getMessage()));
                pause(policy.backoffBefore(attempt + 1).toMillis());
            }
        }
    }

    /** One GET: appends what the server sends to the part file, or starts over when it ignores the Range. */
    private void receive(RepoFile file, RemoteFile remote, FileChannel part) throws IOException {
        long offset = part.size();
        HttpResponse<InputStream> response = client.get(remote.location(), offset);
        try (InputStream body = response.body();
                StallGuard guard = new StallGuard(body, policy.idleTimeout())) {
            int status = response.statusCode();
            if (status == 206) {
                checkContentRange(file, remote, response, offset);
            } else if (status == 200) {
                offset = 0; // the server ignored the Range header and sends the whole file: start the part over
                part.truncate(0);
            } else if (status == 416 || status == 429 || status / 100 == 5) {
                if (status == 416) {
                    part.truncate(0);
                }
                throw new IOException("HTTP " + status + " from " + response.uri());
            } else {
                throw new DownloadException(file.name() + ": HTTP " + status + " fetching " + response.uri());
            }
            progress.started(file.name(), remote.size(), offset);
            part.position(offset);
            long done;
            try {
                done = copy(file, remote, body, part, guard, offset);
            } catch (DownloadException | UnusablePart e) {
                throw e;
            } catch (IOException e) {
                throw guard.stalled() ? stalled() : e;
            }
            if (done < remote.size()) {
                throw guard.stalled()
                        ? stalled()
                        : new IOException("connection closed at " + done + " of " + remote.size() + " bytes");
            }
        }
    }

    /** Appends the body to the part file; returns how many bytes the part holds at the end of the body. */
    private long copy(RepoFile file, RemoteFile remote, InputStream body, FileChannel part, StallGuard guard, long done)
            throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = body.read(buffer)) > 0; ) {
            guard.touch();
            if (done + n > remote.size()) {
                throw new UnusablePart(
                        file.name() + ": the server sent more than the " + remote.size() + " bytes it announced");
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                part.write(chunk);
            }
            done += n;
            progress.advanced(file.name(), done, remote.size());
        }
        return done;
    }

    private IOException stalled() {
        return new IOException("no data for " + policy.idleTimeout().toMillis() / 1000.0 + " s");
    }

    private static void checkContentRange(RepoFile file, RemoteFile remote, HttpResponse<?> response, long offset)
            throws UnusablePart {
        String value = response.headers().firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(value.strip());
        if (!m.matches()
                || Long.parseLong(m.group(1)) != offset
                || !m.group(3).equals("*") && Long.parseLong(m.group(3)) != remote.size()) {
            throw new UnusablePart(file.name() + ": asked for bytes " + offset + "- of " + remote.size()
                    + " but the server answered Content-Range '" + value + "' (did the file change on the server?)");
        }
    }

    private static void verify(RepoFile file, RemoteFile remote, Path part) throws IOException {
        long size = Files.size(part);
        if (size != remote.size()) {
            Files.deleteIfExists(part);
            throw new DownloadException(
                    file.name() + ": got " + size + " bytes, the server announced " + remote.size());
        }
        String actual = remote.hash().hashOf(part);
        if (!actual.equals(remote.hash().hex())) {
            Files.deleteIfExists(part);
            throw new DownloadException(file.name() + ": hash mismatch, expected " + remote.hash()
                    + " but the download has " + new ContentHash(remote.hash().kind(), actual)
                    + "; the partial file was deleted, run the download again");
        }
    }

    private static void requireSpace(Path dir, long needed) throws IOException {
        long usable = Files.getFileStore(dir).getUsableSpace();
        if (usable < needed) {
            throw new DownloadException("not enough disk space in " + dir + ": need "
                    + ConsoleProgress.megabytes(needed) + ", " + ConsoleProgress.megabytes(usable) + " free");
        }
    }

    private static void pause(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** Whether a failure means the host could not be reached at all (offline, DNS, firewall, nothing listening). */
    static boolean isUnreachable(Throwable e) {
        return hasCause(e, UnknownHostException.class)
                || hasCause(e, UnresolvedAddressException.class)
                || hasCause(e, ConnectException.class)
                || hasCause(e, NoRouteToHostException.class)
                || hasCause(e, HttpConnectTimeoutException.class)
                || hasCause(e, HttpTimeoutException.class);
    }

    static DownloadException cannotReach(URI where, Path dir, Throwable cause) {
        String origin = where.getScheme() + "://" + where.getRawAuthority();
        String advice = dir == null
                ? "check the connection and run the download again"
                : "download the files on a connected machine into " + dir + ", or pass --model DIR";
        return new DownloadException(
                "cannot reach " + origin + " (no network?): " + advice + " [" + why(cause) + "]", cause);
    }

    /** A short reason for a connection failure; java.net.http often wraps it in a ConnectException with no message. */
    private static String why(Throwable e) {
        if (hasCause(e, UnknownHostException.class) || hasCause(e, UnresolvedAddressException.class)) {
            return "host name not found";
        }
        if (hasCause(e, HttpTimeoutException.class)) {
            return "timed out";
        }
        if (hasCause(e, ConnectException.class)) {
            return "connection refused"; // java.net.http gives no detail here (a ClosedChannelException at best)
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** A part file that must not be resumed: the server sent bytes that do not fit what it announced. */
    private static final class UnusablePart extends IOException {
        UnusablePart(String message) {
            super(message);
        }
    }
}

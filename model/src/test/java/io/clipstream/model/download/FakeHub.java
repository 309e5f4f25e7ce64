package io.clipstream.model.download;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub stand-in on 127.0.0.1 for tests. {@code /<repo>/resolve/<rev>/<file>} answers like the Hub:
 * LFS files with a 302 to {@code /cdn/<sha256>} carrying {@code X-Linked-Etag} and {@code X-Linked-Size}, small
 * files directly with their git blob SHA-1 as {@code ETag}. Hashes are computed here with MessageDigest, not with
 * the code under test. Faults are switched on per test.
 */
final class FakeHub implements AutoCloseable {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    /** One request as the server saw it. */
    record Seen(String method, String path, String range) {}

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>(); // "<repo>/<file>" -> bytes
    private final Map<String, Boolean> lfs = new ConcurrentHashMap<>();
    private final Map<String, byte[]> cdn = new ConcurrentHashMap<>(); // sha256 -> bytes
    final List<Seen> requests = new CopyOnWriteArrayList<>();

    /** Cut the connection after this many body bytes, on the first GET of each longer file only (-1: never). */
    volatile int cutFirstGetAfter = -1;
    /** On the first GET of each longer file, send this many bytes, then go silent until the test ends (-1: never). */
    volatile int stallFirstGetAfter = -1;
    /** Answer 200 with the whole file even when asked for a Range. */
    volatile boolean ignoreRange;
    /** Serve bytes that differ from the announced hash (one byte flipped). */
    volatile boolean corruptBody;
    /** Announce this size instead of the real one (-1: the real one). */
    volatile long announcedSize = -1;
    /** Redirect every CDN request to itself. */
    volatile boolean redirectLoop;

    private final Map<String, Boolean> faultUsed = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void addLfs(String repo, String name, byte[] bytes) {
        files.put(repo + "/" + name, bytes);
        lfs.put(repo + "/" + name, true);
        cdn.put(hex("SHA-256", bytes), bytes);
    }

    void addSmall(String repo, String name, byte[] bytes) {
        files.put(repo + "/" + name, bytes);
        lfs.put(repo + "/" + name, false);
    }

    List<Seen> gets() {
        return requests.stream().filter(r -> r.method().equals("GET")).toList();
    }

    static String sha256(byte[] bytes) {
        return hex("SHA-256", bytes);
    }

    static String gitBlobSha1(byte[] bytes) {
        byte[] header = ("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + bytes.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(bytes, 0, all, header.length, bytes.length);
        return hex("SHA-1", all);
    }

    private static String hex(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            requests.add(new Seen(method, path, ex.getRequestHeaders().getFirst("Range")));
            if (path.startsWith("/cdn/")) {
                byte[] bytes = cdn.get(path.substring(5));
                if (bytes == null) {
                    send(ex, 404, new byte[0]);
                } else if (redirectLoop) {
                    ex.getResponseHeaders().set("Location", path);
                    ex.sendResponseHeaders(302, -1);
                } else {
                    serveBytes(ex, path, bytes);
                }
                return;
            }
            Matcher m = Pattern.compile("/(.+)/resolve/([^/]+)/([^/]+)").matcher(path);
            String key = m.matches() ? m.group(1) + "/" + m.group(3) : "";
            byte[] bytes = files.get(key);
            if (bytes == null) {
                ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                send(ex, 404, "Entry not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            long size = announcedSize >= 0 ? announcedSize : bytes.length;
            ex.getResponseHeaders().set("X-Repo-Commit", COMMIT);
            if (lfs.get(key)) {
                String sha = sha256(bytes);
                ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
                ex.getResponseHeaders().set("X-Linked-Size", Long.toString(size));
                ex.getResponseHeaders()
                        .set("ETag", "\"" + gitBlobSha1("pointer".getBytes(StandardCharsets.US_ASCII)) + "\"");
                ex.getResponseHeaders().set("Location", endpoint() + "/cdn/" + sha);
                ex.sendResponseHeaders(302, -1);
            } else {
                ex.getResponseHeaders().set("ETag", "\"" + gitBlobSha1(bytes) + "\"");
                if (method.equals("HEAD")) {
                    ex.getResponseHeaders().set("Content-Length", Long.toString(size));
                    ex.sendResponseHeaders(200, -1);
                } else {
                    serveBytes(ex, path, bytes);
                }
            }
        }
    }

    private void serveBytes(HttpExchange ex, String path, byte[] original) throws IOException {
        byte[] bytes = original.clone();
        if (corruptBody) {
            bytes[bytes.length / 2] ^= 1;
        }
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            ex.sendResponseHeaders(200, -1);
            return;
        }
        int from = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (m != null && m.matches() && !ignoreRange) {
            from = Integer.parseInt(m.group(1));
            if (from >= bytes.length) {
                ex.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            ex.getResponseHeaders()
                    .set("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        boolean first = faultUsed.putIfAbsent(path, true) == null;
        ex.sendResponseHeaders(from > 0 ? 206 : 200, bytes.length - from);
        OutputStream out = ex.getResponseBody();
        if (first && cutFirstGetAfter >= 0 && cutFirstGetAfter < bytes.length - from) {
            out.write(bytes, from, cutFirstGetAfter);
            out.flush();
            throw new IOException("fake hub: cutting the connection");
        }
        if (first && stallFirstGetAfter >= 0 && stallFirstGetAfter < bytes.length - from) {
            out.write(bytes, from, stallFirstGetAfter);
            out.flush();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        out.write(bytes, from, bytes.length - from);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}

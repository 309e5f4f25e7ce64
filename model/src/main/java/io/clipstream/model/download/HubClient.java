package io.clipstream.model.download;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * The two HTTP calls a download needs, done the way huggingface_hub does them. {@link #head} asks for a file's
 * metadata without following redirects to other hosts (a 302 to the CDN carries the LFS file's size and
 * SHA-256 in {@code X-Linked-Size} and {@code X-Linked-Etag}); it follows only same-host (relative) redirects, which
 * the Hub sends for renamed repos. {@link #get} fetches bytes, optionally from an offset, following a bounded
 * number of redirects and refusing a downgrade from https to http.
 */
final class HubClient {
    private static final String USER_AGENT = "clipstream/0.1 (java.net.http)";

    private final HttpClient http;
    private final DownloadPolicy policy;

    HubClient(DownloadPolicy policy) {
        this.policy = policy;
        this.http = HttpClient.newBuilder()
                .connectTimeout(policy.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Size, hash, commit and download location of {@code file} at {@code url}. */
    RemoteFile head(URI url, RepoFile file) throws IOException {
        URI current = url;
        for (int hop = 0; ; hop++) {
            HttpResponse<Void> response = send(
                    request(current)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .timeout(policy.headTimeout())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            HttpHeaders headers = response.headers();
            Optional<String> location = headers.firstValue("Location");
            if (status / 100 == 3
                    && location.isPresent()
                    && isRelative(location.get())
                    && hop < policy.maxRedirects()) {
                current = current.resolve(location.get());
                continue;
            }
            if (status / 100 == 3 && location.isEmpty() || status / 100 != 3 && status / 100 != 2) {
                throw statusError(status, headers, current, file);
            }
            long size = size(headers, file);
            String etag = headers.firstValue("X-Linked-Etag")
                    .or(() -> headers.firstValue("ETag"))
                    .orElseThrow(() -> new DownloadException(file.name() + ": the server sent no ETag for " + url
                            + ", so the file cannot be verified (is the endpoint a Hugging Face Hub?)"));
            URI target = status / 100 == 3 ? redirectTarget(current, location.get()) : current;
            return new RemoteFile(
                    target,
                    size,
                    ContentHash.fromEtag(etag),
                    headers.firstValue("X-Repo-Commit").orElse(null));
        }
    }

    /**
     * Starts a GET of {@code location} from byte {@code offset} (a Range request when it is not 0). Returns the
     * first non-redirect response; the caller reads and closes its body.
     */
    HttpResponse<InputStream> get(URI location, long offset) throws IOException {
        URI current = location;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = request(current).GET().timeout(policy.idleTimeout());
            if (offset > 0) {
                request.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            Optional<String> next = response.headers().firstValue("Location");
            if (response.statusCode() / 100 != 3 || next.isEmpty()) {
                return response;
            }
            response.body().close();
            if (hop >= policy.maxRedirects()) {
                throw new DownloadException("more than " + policy.maxRedirects() + " redirects fetching " + location);
            }
            current = redirectTarget(current, next.get());
        }
    }

    private static HttpRequest.Builder request(URI uri) {
        // identity: a compressed body would not match the announced size or hash.
        return HttpRequest.newBuilder(uri).header("User-Agent", USER_AGENT).header("Accept-Encoding", "identity");
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
        try {
            return http.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + request.uri());
        }
    }

    private static boolean isRelative(String location) {
        URI uri = URI.create(location);
        return uri.getScheme() == null && uri.getRawAuthority() == null;
    }

    static URI redirectTarget(URI from, String location) throws DownloadException {
        URI to;
        try {
            to = from.resolve(location);
        } catch (IllegalArgumentException e) {
            throw new DownloadException("bad redirect from " + from + ": " + location, e);
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase();
        if (!scheme.equals("https") && !scheme.equals("http") || to.getHost() == null) {
            throw new DownloadException("refusing redirect from " + from + " to " + to + ": not an http(s) URL");
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw new DownloadException("refusing redirect from " + from + " to " + to + ": https to http downgrade");
        }
        return to;
    }

    private static long size(HttpHeaders headers, RepoFile file) throws DownloadException {
        String value = headers.firstValue("X-Linked-Size")
                .or(() -> headers.firstValue("Content-Length"))
                .orElseThrow(() -> new DownloadException(file.name() + ": the server did not announce its size"));
        long size;
        try {
            size = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new DownloadException(file.name() + ": bad size header '" + value + "'");
        }
        if (size < 0 || size > file.maxBytes()) {
            throw new DownloadException(file.name() + ": the server announces " + size
                    + " bytes, outside the expected 0.." + file.maxBytes());
        }
        return size;
    }

    private static DownloadException statusError(int status, HttpHeaders headers, URI url, RepoFile file) {
        String code = headers.firstValue("X-Error-Code").map(c -> " " + c).orElse("");
        String what = file.repo() + "/" + file.name();
        if (status == 401 || status == 403) {
            return new DownloadException("access denied to " + what + " (HTTP " + status + code + ") at " + url
                    + ": the repo may be private or gated, and clipstream sends no token");
        }
        if (status == 404) {
            return new DownloadException("not found: " + what + " (HTTP 404" + code + ") at " + url
                    + ": check the repo, the revision and the endpoint");
        }
        return new DownloadException("HTTP " + status + code + " asking " + url + " about " + what);
    }
}

package io.clipstream.topology.images.fetch;

import io.clipstream.schemas.ErrorCode;
import io.clipstream.schemas.Redaction;
import io.clipstream.topology.TopologySettings.FetchSettings;
import java.io.ByteArrayOutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches the bytes of an image given by URL, guarded against server-side request forgery: http and https only,
 * the host must be on an exact-name allow-list, every address the host resolves to must be public (loopback,
 * private, link-local, multicast and wildcard addresses are refused unless explicitly allowed), redirects are
 * never followed, connect and total read time are bounded, and the body is counted while it streams so no more
 * than the byte limit is ever held. A host whose DNS answer changes between the check and the connection is not
 * caught (java.net.http cannot pin the checked address); the host allow-list is the main guard.
 */
public final class ImageFetcher {
    private final FetchSettings settings;
    private final long maxBytes;
    private final HttpClient client;

    public ImageFetcher(FetchSettings settings, long maxBytes) {
        this.settings = settings;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The image bytes at {@code url}, or a {@link FetchException} saying why not. */
    public byte[] fetch(String url) throws FetchException {
        URI uri = check(url);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.readTimeout())
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> response = client.sendAsync(request, info -> limitedBody(info, uri));
        try {
            HttpResponse<byte[]> r = response.get(
                    settings.connectTimeout().plus(settings.readTimeout()).toMillis(), TimeUnit.MILLISECONDS);
            return r.body();
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new FetchException(ErrorCode.FETCH_FAILED, "timed out fetching " + Redaction.url(uri));
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException(ErrorCode.FETCH_FAILED, "interrupted fetching " + Redaction.url(uri));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof BodyRejected rejected) {
                throw new FetchException(rejected.code, rejected.getMessage());
            }
            throw new FetchException(
                    ErrorCode.FETCH_FAILED,
                    "fetching " + Redaction.url(uri) + " failed: " + Redaction.text(String.valueOf(cause)));
        }
    }

    /** Parses and checks a URL against scheme, host and address rules; FETCH_REFUSED when it breaks one. */
    URI check(String url) throws FetchException {
        if (!settings.enabled()) {
            throw refused("fetching image URLs is disabled");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused("not a valid URL: " + Redaction.text(e.getMessage()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused("only http and https URLs are fetched, not '" + scheme + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused("URLs with user info are refused");
        }
        String host = uri.getHost();
        if (host == null || !settings.allowedHosts().contains(host.toLowerCase(Locale.ROOT))) {
            throw refused("host '" + host + "' is not on the allow-list");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new FetchException(ErrorCode.FETCH_FAILED, "cannot resolve host '" + host + "'");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address) && !settings.allowedAddresses().contains(address.getHostAddress())) {
                throw refused("host '" + host + "' resolves to the non-public address " + address.getHostAddress());
            }
        }
        return uri;
    }

    /** Loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local, multicast or wildcard. */
    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress()
                || a.isSiteLocalAddress()
                || a.isLinkLocalAddress()
                || a.isMulticastAddress()
                || a.isAnyLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64/10 carrier-grade NAT
    }

    private BodySubscriber<byte[]> limitedBody(HttpResponse.ResponseInfo info, URI uri) {
        if (info.statusCode() / 100 == 3) {
            String location = info.headers().firstValue("location").orElse("?");
            return failing(new BodyRejected(
                    ErrorCode.FETCH_FAILED,
                    "redirect " + info.statusCode() + " from " + Redaction.url(uri) + " to "
                            + Redaction.text(String.valueOf(location)) + " not followed"));
        }
        if (info.statusCode() != 200) {
            return failing(new BodyRejected(
                    ErrorCode.FETCH_FAILED, "HTTP " + info.statusCode() + " from " + Redaction.url(uri)));
        }
        long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
        if (declared > maxBytes) {
            return failing(new BodyRejected(
                    ErrorCode.IMAGE_TOO_LARGE,
                    Redaction.url(uri) + " declares " + declared + " bytes, more than the limit of " + maxBytes));
        }
        return new LimitedSubscriber(maxBytes, uri);
    }

    private static BodySubscriber<byte[]> failing(BodyRejected error) {
        return new BodySubscriber<>() {
            private final CompletableFuture<byte[]> result = CompletableFuture.failedFuture(error);

            @Override
            public CompletionStage<byte[]> getBody() {
                return result;
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
        };
    }

    private static FetchException refused(String message) {
        return new FetchException(ErrorCode.FETCH_REFUSED, message);
    }

    /** Collects a body, cancelling the download as soon as it passes the byte limit. */
    private static final class LimitedSubscriber implements BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final long maxBytes;
        private final URI uri;
        private Flow.Subscription subscription;

        LimitedSubscriber(long maxBytes, URI uri) {
            this.maxBytes = maxBytes;
            this.uri = uri;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : buffers) {
                if (bytes.size() + (long) b.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new BodyRejected(
                            ErrorCode.IMAGE_TOO_LARGE,
                            Redaction.url(uri) + " sent more than the limit of " + maxBytes + " bytes"));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }

    private static final class BodyRejected extends RuntimeException {
        final ErrorCode code;

        BodyRejected(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}

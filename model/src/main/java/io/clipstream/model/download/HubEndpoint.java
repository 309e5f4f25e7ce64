package io.clipstream.model.download;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A Hugging Face Hub (or mirror) base address and the file URLs under it:
 * {@code <endpoint>/<repo>/resolve/<revision>/<file>}, the form huggingface_hub's {@code hf_hub_url} builds.
 * The default is {@code https://huggingface.co}, overridden by {@code HF_ENDPOINT} as in huggingface_hub.
 */
public record HubEndpoint(URI base) {
    public static final String DEFAULT = "https://huggingface.co";
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]*");

    public HubEndpoint {
        Objects.requireNonNull(base, "base");
        String scheme = base.getScheme();
        if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL: " + base);
        }
        if (base.getHost() == null
                || base.getRawQuery() != null
                || base.getRawFragment() != null
                || base.getRawUserInfo() != null) {
            throw new IllegalArgumentException("endpoint must be scheme://host[:port][/path]: " + base);
        }
        String s = base.toString();
        base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /** Parses an endpoint given by a user, e.g. {@code https://hf-mirror.example}. */
    public static HubEndpoint of(String endpoint) {
        try {
            return new HubEndpoint(URI.create(endpoint.strip()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad Hugging Face endpoint '" + endpoint + "': " + e.getMessage(), e);
        }
    }

    /** {@code HF_ENDPOINT} when set, else {@value #DEFAULT}. */
    public static HubEndpoint fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static HubEndpoint fromEnvironment(Map<String, String> env) {
        String value = env.get("HF_ENDPOINT");
        return of(value == null || value.isBlank() ? DEFAULT : value);
    }

    /** The URL of one file at a revision (a branch, a tag or a commit hash). */
    public URI fileUrl(String repo, String revision, String file) {
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new IllegalArgumentException("not a git revision: " + revision);
        }
        // As hf_hub_url: the revision is quoted with no safe characters, so "refs/pr/1" stays one segment.
        return URI.create(base + "/" + repo + "/resolve/" + revision.replace("/", "%2F") + "/" + file);
    }
}

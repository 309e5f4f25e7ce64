package io.clipstream.model.download;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file to fetch from a Hugging Face repository, saved under the same name in the model folder.
 * {@code maxBytes} is an upper bound on what the server may announce or send for it, so that a wrong or hostile
 * endpoint cannot fill the disk.
 */
public record RepoFile(String repo, String name, long maxBytes) {
    private static final Pattern REPO = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public RepoFile {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(name, "name");
        if (!REPO.matcher(repo).matches() || repo.contains("..")) {
            throw new IllegalArgumentException("not a Hugging Face repo id: " + repo);
        }
        // The name becomes a local file name: a plain name, no folders, no "..", no hidden files.
        if (!NAME.matcher(name).matches() || name.contains("..") || name.endsWith(ModelDownloader.PART_SUFFIX)) {
            throw new IllegalArgumentException("not a plain file name: " + name);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
    }
}

package io.clipstream.model.download;

import java.net.URI;

/**
 * What the Hub says about one file before we fetch it: where to GET it (the CDN address for LFS files), its size,
 * its content hash, and the commit the revision resolved to ({@code null} when the server did not say).
 */
public record RemoteFile(URI location, long size, ContentHash hash, String commit) {}

package io.clipstream.model.download;

import java.nio.file.Path;

/**
 * Runs one download in a JVM started by {@link ModelDownloaderTest} with {@code -Djdk.net.hosts.file}, so that
 * host names are looked up in a local file only and a lookup never becomes a DNS query leaving the machine.
 * Prints the failure message on stdout.
 */
public final class OfflineDownloadMain {
    private OfflineDownloadMain() {}

    public static void main(String[] args) throws Exception {
        try {
            new ModelDownloader(HubEndpoint.of(args[0]), "main", DownloadProgress.none())
                    .download(ModelFiles.ROBERTA_VIT_B_32, Path.of(args[1]));
            System.out.println("no failure");
        } catch (DownloadException e) {
            System.out.println(e.getMessage());
        }
    }
}

package io.clipstream.cli;

import io.clipstream.model.download.ConsoleProgress;
import io.clipstream.model.download.HubEndpoint;
import io.clipstream.model.download.ModelCache;
import io.clipstream.model.download.ModelDownloader;
import io.clipstream.model.download.ModelFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code download}: the real checkpoint and the roberta-base tokenizer and config, resumable and verified. */
@Command(
        name = "download",
        mixinStandardHelpOptions = true,
        description = "Download open_clip_pytorch_model.bin (laion/CLIP-ViT-B-32-roberta-base-laion2B-s12B-b32k) and "
                + "roberta-base's tokenizer and config into the model cache, resuming and verifying each file.")
final class DownloadCommand implements Callable<Integer> {
    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Target folder. Default: the model cache (CLIPSTREAM_CACHE, "
                    + "XDG_CACHE_HOME/clipstream or ~/.cache/clipstream).")
    Path dir;

    @Option(
            names = "--endpoint",
            paramLabel = "URL",
            description = "Hugging Face endpoint. Default: HF_ENDPOINT or " + HubEndpoint.DEFAULT + ".")
    String endpoint;

    @Option(
            names = "--revision",
            defaultValue = "main",
            description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision;

    @Override
    public Integer call() throws Exception {
        Path target = dir != null ? dir : ModelCache.defaultModelDir();
        HubEndpoint hub = endpoint != null ? HubEndpoint.of(endpoint) : HubEndpoint.fromEnvironment();
        Path done = new ModelDownloader(hub, revision, ConsoleProgress.toStderr())
                .download(ModelFiles.ROBERTA_VIT_B_32, target);
        System.err.println("model ready in " + done);
        return 0;
    }
}

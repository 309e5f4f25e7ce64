package io.clipstream.model.download;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which files make up one model and from which Hugging Face repositories they come, plus the name of the
 * model's folder in the cache. open_clip loads the roberta-ViT-B-32 weights from the laion repo but the text
 * tokenizer and text-tower config from {@code FacebookAI/roberta-base}, so one model spans two repos.
 */
public record ModelFiles(String folderName, List<RepoFile> files) {
    private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final long MB = 1L << 20;

    /** OpenCLIP {@code roberta-ViT-B-32}, pretrained {@code laion2b_s12b_b32k} (weights are 851 MB in fp32). */
    public static final ModelFiles ROBERTA_VIT_B_32 = new ModelFiles(
            "roberta-ViT-B-32-laion2b_s12b_b32k",
            List.of(
                    new RepoFile(
                            "laion/CLIP-ViT-B-32-roberta-base-laion2B-s12B-b32k",
                            "open_clip_pytorch_model.bin",
                            2048 * MB),
                    new RepoFile("FacebookAI/roberta-base", "tokenizer.json", 16 * MB),
                    new RepoFile("FacebookAI/roberta-base", "vocab.json", 16 * MB),
                    new RepoFile("FacebookAI/roberta-base", "merges.txt", 16 * MB),
                    new RepoFile("FacebookAI/roberta-base", "config.json", MB)));

    public ModelFiles {
        Objects.requireNonNull(folderName, "folderName");
        if (!FOLDER.matcher(folderName).matches() || folderName.contains("..")) {
            throw new IllegalArgumentException("not a plain folder name: " + folderName);
        }
        files = List.copyOf(files);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one file");
        }
        if (files.stream().map(RepoFile::name).distinct().count() != files.size()) {
            throw new IllegalArgumentException("two files share a local name: " + files);
        }
    }
}

package io.clipstream.model.download;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where downloaded models live by default: {@code $CLIPSTREAM_CACHE}, else {@code $XDG_CACHE_HOME/clipstream},
 * else {@code ~/.cache/clipstream}, with one sub-folder per model. The same rules as other XDG-aware tools, so
 * users can move every cache at once.
 */
public final class ModelCache {
    private ModelCache() {}

    /** The folder of the default model (roberta-ViT-B-32) in the default cache. */
    public static Path defaultModelDir() {
        return modelDir(ModelFiles.ROBERTA_VIT_B_32, System.getenv(), System.getProperty("user.home"));
    }

    /** The cache root for the given environment and home folder. */
    static Path cacheRoot(Map<String, String> env, String userHome) {
        String own = env.get("CLIPSTREAM_CACHE");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        // The XDG spec says relative values are invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "clipstream");
        }
        return Path.of(userHome, ".cache", "clipstream");
    }

    static Path modelDir(ModelFiles model, Map<String, String> env, String userHome) {
        return cacheRoot(env, userHome).resolve(model.folderName());
    }
}

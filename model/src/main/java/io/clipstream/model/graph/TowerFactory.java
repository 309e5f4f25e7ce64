package io.clipstream.model.graph;

import io.clipstream.model.config.ClipConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * Picks each tower's implementation from the model config, as open_clip's factory does: the kinds that
 * {@code ModelDirectory} reads from {@code open_clip_config.json} ({@link ClipConfig#visionTower()},
 * {@link ClipConfig#textTower()}) are looked up here. Another open_clip tower is one class implementing
 * {@link VisionTowerType} or {@link TextTowerType} and one entry below; a kind with no entry fails with a message
 * naming the supported ones.
 */
public final class TowerFactory {
    private static final Map<String, VisionTowerType> VISION = Map.of(ClipConfig.VIT, VisionTower.TYPE);
    private static final Map<String, TextTowerType> TEXT = Map.of(ClipConfig.HF_ROBERTA, TextTower.TYPE);

    private TowerFactory() {}

    /** The image tower {@code config} names; an unsupported kind is an {@link IllegalArgumentException}. */
    public static VisionTowerType vision(ClipConfig config) {
        return pick("vision", config.visionTower(), VISION);
    }

    /** The text tower {@code config} names; an unsupported kind is an {@link IllegalArgumentException}. */
    public static TextTowerType text(ClipConfig config) {
        return pick("text", config.textTower(), TEXT);
    }

    private static <T> T pick(String tower, String kind, Map<String, T> known) {
        T type = known.get(kind);
        if (type == null) {
            throw new IllegalArgumentException("the model's " + tower + " tower is \"" + kind
                    + "\", which is not supported; supported " + tower + " towers: "
                    + String.join(", ", new TreeMap<>(known).keySet()));
        }
        return type;
    }
}

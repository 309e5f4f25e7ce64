package io.clipstream.model.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The weights of a checkpoint by their open_clip names, read from a PyTorch zip checkpoint (.bin/.pt/.pth) or
 * a safetensors file. Names are normalised (a DataParallel {@code module.} prefix removed, a
 * {"state_dict": ...} wrapper unwrapped); integer buffers such as {@code position_ids} are dropped.
 * Model code {@link #take}s each tensor with the shape it expects, then calls {@link #requireAllTaken}:
 * loading is strict, as in open_clip, so a checkpoint of another architecture fails loudly. A checkpoint's values
 * (zip or safetensors) are read when their tensor is taken, so that the whole checkpoint is never in the heap at
 * once.
 */
public final class StateDict {
    private static final String MODULE_PREFIX = "module.";
    private final Map<String, StoredTensor> tensors;

    private StateDict(Map<String, StoredTensor> tensors) {
        this.tensors = tensors;
    }

    /** Reads a checkpoint, telling the format by its first bytes (zip "PK\3\4", or a safetensors header). */
    public static StateDict read(Path file) throws IOException {
        byte[] magic;
        try (InputStream in = Files.newInputStream(file)) {
            magic = in.readNBytes(9);
        }
        if (magic.length >= 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4) {
            return byName(TorchZipReader.index(file));
        }
        if (magic.length == 9 && magic[8] == '{') return byName(SafetensorsReader.index(file));
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x80 && magic[1] == 2) {
            throw new CheckpointException(
                    file + " is a legacy (before PyTorch 1.6) checkpoint: re-save it with torch.save");
        }
        throw new CheckpointException(file + " is neither a PyTorch zip checkpoint nor a safetensors file"
                + (magic.length < 9 ? " (only " + magic.length + " bytes: truncated?)" : ""));
    }

    /** Wraps tensors (e.g. generated weights), normalising the names like {@link #read}. */
    public static StateDict of(Map<String, Tensor> tensors) throws CheckpointException {
        Map<String, StoredTensor> stored = new LinkedHashMap<>();
        tensors.forEach((key, t) -> stored.put(key, StoredTensor.of(t)));
        return byName(stored);
    }

    private static StateDict byName(Map<String, StoredTensor> tensors) throws CheckpointException {
        Map<String, StoredTensor> byName = new TreeMap<>();
        for (var e : tensors.entrySet()) {
            String name =
                    e.getKey().startsWith(MODULE_PREFIX) ? e.getKey().substring(MODULE_PREFIX.length()) : e.getKey();
            if (byName.put(name, e.getValue()) != null)
                throw new CheckpointException("duplicate tensor '" + name + "'");
        }
        return new StateDict(byName);
    }

    /**
     * Removes and returns a tensor, checking its shape ({@code take("logit_scale")} expects a 0-dim tensor).
     *
     * @throws CheckpointException naming the key when it is missing or its shape is not the expected one
     */
    public Tensor take(String key, long... expectedShape) throws IOException {
        StoredTensor t = tensors.get(key);
        if (t == null) throw new CheckpointException("missing tensor '" + key + "' in checkpoint");
        if (!Arrays.equals(t.shape(), expectedShape)) {
            throw new CheckpointException("tensor '" + key + "' has shape " + Arrays.toString(t.shape()) + ", expected "
                    + Arrays.toString(expectedShape));
        }
        tensors.remove(key);
        return new Tensor(t.shape(), t.values().read());
    }

    /**
     * Removes a tensor without reading its values (one that is already held elsewhere); a missing key is an error, as
     * in {@link #take}.
     */
    public void discard(String key) throws CheckpointException {
        if (tensors.remove(key) == null) throw new CheckpointException("missing tensor '" + key + "' in checkpoint");
    }

    /** The tensors not yet taken whose names start with {@code prefix}, as a state dict of their own. */
    public StateDict only(String prefix) {
        Map<String, StoredTensor> subset = new TreeMap<>();
        tensors.forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                subset.put(name, t);
            }
        });
        return new StateDict(subset);
    }

    /** The shape of a tensor not yet taken, e.g. to read a dimension of the architecture. */
    public Optional<long[]> shape(String key) {
        return Optional.ofNullable(tensors.get(key)).map(t -> t.shape().clone());
    }

    /** The names not yet taken, sorted. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    /** @throws CheckpointException listing every tensor the model did not take */
    public void requireAllTaken() throws CheckpointException {
        if (!tensors.isEmpty()) {
            throw new CheckpointException(tensors.size() + " unexpected tensor(s) in checkpoint: " + tensors.keySet());
        }
    }
}

package io.clipstream.model.checkpoint;

import io.clipstream.model.checkpoint.TorchUnpickler.StorageRef;
import io.clipstream.model.checkpoint.TorchUnpickler.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a PyTorch zip checkpoint ({@code torch.save} since 1.6): {@code <prefix>/data.pkl} describes the state
 * dict, {@code <prefix>/data/<key>} hold the raw little-endian storages. Tensors may be views (offset,
 * strides) into shared storages; a tensor's storage is read straight into floats when the tensor is read, and the
 * view copied out of it. Integer storages (e.g. {@code position_ids}) are skipped.
 * <p>
 * {@link #index} checks everything it can without reading values (the pickle, every view against its storage, every
 * storage entry's size) and leaves the values in the file until each tensor is taken, as the safetensors reader does:
 * so a tower is built with one tensor at a time in the heap, not the whole checkpoint (851 MB for roberta-ViT-B-32),
 * and building the text tower again reads only its own tensors.
 */
final class TorchZipReader {
    /** The real roberta-ViT-B-32 pickle is ~40 KB; anything near this bound is not a state dict. */
    static final int MAX_PICKLE_BYTES = 64 << 20;

    private TorchZipReader() {}

    /** Tensors by key as stored (a {"state_dict": ...} wrapper removed, names not yet normalised), all read. */
    static Map<String, Tensor> read(Path file) throws IOException {
        return StoredTensor.readAll(index(file));
    }

    /**
     * Tensors by key as stored, checked; each one's values are read from the file when {@link StoredTensor#values}
     * is called.
     */
    static Map<String, StoredTensor> index(Path file) throws IOException {
        try (ZipFile zip = open(file)) {
            return index(file, zip);
        } catch (ArithmeticException e) {
            throw new CheckpointException("tensor or storage sizes overflow in " + file, e);
        }
    }

    private static Map<String, StoredTensor> index(Path file, ZipFile zip) throws IOException {
        String prefix = prefix(zip);
        checkByteOrder(zip, prefix);
        Map<String, TensorRef> refs = tensorRefs(TorchUnpickler.load(readPickle(zip, prefix + "/data.pkl")));
        Map<String, List<String>> keysByStorage = new TreeMap<>();
        refs.forEach((name, ref) -> keysByStorage
                .computeIfAbsent(ref.storage().key(), k -> new ArrayList<>())
                .add(name));
        Map<String, StoredTensor> tensors = new LinkedHashMap<>();
        for (var e : keysByStorage.entrySet()) {
            StorageRef storage = refs.get(e.getValue().get(0)).storage();
            for (String name : e.getValue()) checkView(name, refs.get(name), storage);
            if (storage.type().isIntegral()) continue;
            if (storage.type().dtype == null) {
                throw new CheckpointException("unsupported storage type torch."
                        + storage.type().name() + " for tensor '" + e.getValue().get(0) + "'");
            }
            String entry = prefix + "/data/" + storage.key();
            checkStorageEntry(zip, entry, storage);
            for (String name : e.getValue()) {
                TensorRef ref = refs.get(name);
                boolean whole = e.getValue().size() == 1
                        && ref.offset() == 0
                        && isContiguous(ref)
                        && Tensor.numel(ref.size()) == storage.numel();
                tensors.put(name, new StoredTensor(ref.size(), () -> {
                    float[] values = readStorage(file, entry, storage);
                    return whole ? values : view(values, ref);
                }));
            }
        }
        return tensors;
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointException(
                    "not a readable zip archive (truncated?): " + file + ": " + e.getMessage(), e);
        }
    }

    /** The folder holding data.pkl: "archive" in files saved to a stream, the file stem when saved by path. */
    private static String prefix(ZipFile zip) throws CheckpointException {
        String prefix = null;
        for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
            String name = it.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (prefix != null) throw new CheckpointException("zip checkpoint holds two data.pkl entries");
                prefix = name.substring(0, name.length() - "/data.pkl".length());
            }
        }
        if (prefix == null)
            throw new CheckpointException("zip archive has no <prefix>/data.pkl: not a PyTorch checkpoint");
        return prefix;
    }

    private static void checkByteOrder(ZipFile zip, String prefix) throws IOException {
        ZipEntry order = zip.getEntry(prefix + "/byteorder");
        if (order == null) return;
        try (InputStream in = zip.getInputStream(order)) {
            String value = new String(in.readNBytes(16), StandardCharsets.US_ASCII).trim();
            if (!value.equals("little")) throw new CheckpointException("unsupported checkpoint byte order: " + value);
        }
    }

    private static byte[] readPickle(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry.getSize() > MAX_PICKLE_BYTES) {
            throw new CheckpointException(name + " is " + entry.getSize() + " bytes, more than the " + MAX_PICKLE_BYTES
                    + " allowed for a state dict pickle");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(MAX_PICKLE_BYTES + 1);
            if (bytes.length > MAX_PICKLE_BYTES) throw new CheckpointException(name + " is too large");
            return bytes;
        }
    }

    /** The state dict inside the pickle, unwrapped from {"state_dict": ...}; every value must be a tensor. */
    private static Map<String, TensorRef> tensorRefs(Object root) throws CheckpointException {
        if (root instanceof Map<?, ?> m && m.size() == 1 && m.get("state_dict") instanceof Map<?, ?> inner) {
            root = inner;
        }
        if (!(root instanceof Map<?, ?> dict)) {
            throw new CheckpointException("checkpoint pickle is not a state dict (a " + describe(root) + ")");
        }
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        for (var e : dict.entrySet()) {
            if (!(e.getKey() instanceof String key))
                throw new CheckpointException("state dict key is not a string: " + e.getKey());
            if (!(e.getValue() instanceof TensorRef ref)) {
                throw new CheckpointException(
                        "state dict entry '" + key + "' is not a tensor (a " + describe(e.getValue()) + ")");
            }
            refs.put(key, ref);
        }
        return refs;
    }

    /** The view must lie inside its storage: offset + sum((size-1)*stride) < numel, no negative numbers. */
    private static void checkView(String name, TensorRef ref, StorageRef storage) throws CheckpointException {
        if (!ref.storage().equals(storage)) {
            throw new CheckpointException("tensor '" + name + "' names storage " + storage.key()
                    + " with another type or size than other tensors do");
        }
        long last = ref.offset();
        boolean empty = false;
        for (int d = 0; d < ref.size().length; d++) {
            if (ref.size()[d] < 0 || ref.stride()[d] < 0) {
                throw new CheckpointException("tensor '" + name + "' has a negative size or stride");
            }
            if (ref.size()[d] == 0) empty = true;
            else last = Math.addExact(last, Math.multiplyExact(ref.size()[d] - 1, ref.stride()[d]));
        }
        if (ref.offset() < 0
                || (!empty && last >= storage.numel())
                || Tensor.numel(ref.size()) > Integer.MAX_VALUE - 8) {
            throw new CheckpointException("tensor '" + name + "' (offset " + ref.offset() + ", size "
                    + Arrays.toString(ref.size()) + ", stride " + Arrays.toString(ref.stride())
                    + ") reaches outside its storage of " + storage.numel() + " elements");
        }
    }

    /** The storage's entry must exist and hold exactly its elements' bytes. */
    private static ZipEntry checkStorageEntry(ZipFile zip, String name, StorageRef storage) throws CheckpointException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) throw new CheckpointException("storage entry " + name + " is missing");
        long expected = Math.multiplyExact(storage.numel(), storage.type().bytes);
        if (entry.getSize() != expected || storage.numel() < 0 || storage.numel() > Integer.MAX_VALUE - 8) {
            throw new CheckpointException("storage entry " + name + " has " + entry.getSize() + " bytes, expected "
                    + storage.numel() + " x " + storage.type().bytes + " = " + expected);
        }
        return entry;
    }

    /** A storage's values, read from the file again (which must not have changed since it was indexed). */
    private static float[] readStorage(Path file, String name, StorageRef storage) throws IOException {
        try (ZipFile zip = open(file)) {
            ZipEntry entry = checkStorageEntry(zip, name, storage);
            try (InputStream in = zip.getInputStream(entry)) {
                return FloatReader.read(Channels.newChannel(in), storage.type().dtype, (int) storage.numel(), name);
            } catch (ZipException e) {
                throw new CheckpointException("corrupt zip entry " + name + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean isContiguous(TensorRef ref) {
        long expected = 1;
        for (int d = ref.size().length - 1; d >= 0; d--) {
            if (ref.size()[d] != 1 && ref.stride()[d] != expected) return false;
            expected *= ref.size()[d];
        }
        return true;
    }

    /** Copies a strided view out of its storage into row-major order. */
    private static float[] view(float[] storage, TensorRef ref) {
        long[] size = ref.size();
        long[] stride = ref.stride();
        float[] out = new float[(int) Tensor.numel(size)];
        if (out.length == 0) return out;
        long[] index = new long[size.length];
        long at = ref.offset();
        for (int i = 0; i < out.length; i++) {
            out[i] = storage[(int) at];
            for (int d = size.length - 1; d >= 0; d--) { // odometer over the dimensions, last fastest
                at += stride[d];
                if (++index[d] < size[d]) break;
                at -= stride[d] * size[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }
}

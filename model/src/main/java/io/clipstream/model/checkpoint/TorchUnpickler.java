package io.clipstream.model.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles the {@code data.pkl} of a PyTorch zip checkpoint without executing anything. Only the globals
 * torch.save writes for a state dict are accepted, each mapped to a plain Java value; any other global is
 * refused when the pickle names it, before anything is constructed. Tensors come out as {@link TensorRef}s
 * (storage key, offset, size, stride): the storages themselves are read later by {@link TorchZipReader}.
 */
final class TorchUnpickler extends Unpickler {
    /** Element types of {@code torch.*Storage}; only the floating ones that models use are readable. */
    enum StorageType implements IObjectConstructor {
        FloatStorage(4, DType.F32),
        HalfStorage(2, DType.F16),
        BFloat16Storage(2, DType.BF16),
        DoubleStorage(8, null),
        LongStorage(8, null),
        IntStorage(4, null),
        ShortStorage(2, null),
        CharStorage(1, null),
        ByteStorage(1, null),
        BoolStorage(1, null),
        ComplexFloatStorage(8, null),
        ComplexDoubleStorage(16, null);

        final int bytes;
        final DType dtype;

        StorageType(int bytes, DType dtype) {
            this.bytes = bytes;
            this.dtype = dtype;
        }

        /** Integer and bool storages hold buffers (position ids, counters), not weights: they are dropped. */
        boolean isIntegral() {
            return dtype == null
                    && this != DoubleStorage
                    && this != ComplexFloatStorage
                    && this != ComplexDoubleStorage;
        }

        @Override
        public Object construct(Object[] args) {
            throw new PickleException("torch." + name() + " cannot be called");
        }
    }

    /** A storage named by a persistent id: the zip entry {@code data/<key>} holding {@code numel} elements. */
    record StorageRef(String key, StorageType type, long numel) {}

    /** A tensor view into a storage, as {@code torch._utils._rebuild_tensor_v2} describes it. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /** The value of {@code collections.OrderedDict()}: a map whose BUILD state (torch's _metadata) is ignored. */
    static final class OrderedDictValue extends LinkedHashMap<Object, Object> {}

    private static final Set<String> STORAGE_NAMES =
            Set.of(java.util.Arrays.stream(StorageType.values()).map(Enum::name).toArray(String[]::new));

    private TorchUnpickler() {}

    /** The unpickled object graph: maps, tuples (Object[]), strings, numbers and {@link TensorRef}s. */
    static Object load(byte[] pickle) throws IOException {
        TorchUnpickler unpickler = new TorchUnpickler();
        try {
            return unpickler.load(new ByteArrayInputStream(pickle));
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("malformed checkpoint pickle: " + e, e);
        } finally {
            unpickler.close();
        }
    }

    @Override
    protected Object dispatch(short opcode) throws IOException {
        switch (opcode) {
            case 'c' -> { // GLOBAL
                stack.add(global(readLine(), readLine()));
                return NO_RETURN_VALUE;
            }
            case 0x93 -> { // STACK_GLOBAL
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String m) || !(name instanceof String n)) {
                    throw new CheckpointException("malformed checkpoint pickle: STACK_GLOBAL needs two strings");
                }
                stack.add(global(m, n));
                return NO_RETURN_VALUE;
            }
            case 'b' -> { // BUILD
                stack.pop();
                if (!(stack.peek() instanceof OrderedDictValue)) {
                    throw new CheckpointException("malformed checkpoint pickle: BUILD on a "
                            + stack.peek().getClass().getSimpleName());
                }
                return NO_RETURN_VALUE;
            }
            case 'i', 'o', 0x82, 0x83, 0x84 ->
                throw new CheckpointException(
                        "forbidden pickle opcode 0x" + Integer.toHexString(opcode) + " (INST/OBJ/EXT)");
            case 'T', 'X', 'B', 0x8b -> checkLength(4); // 4-byte lengths
            case 0x8d, 0x8e, 0x96 -> checkLength(8); // 8-byte lengths
            default -> {}
        }
        return super.dispatch(opcode);
    }

    private static IObjectConstructor global(String module, String name) throws CheckpointException {
        String qualified = module + "." + name;
        if (module.equals("torch") && STORAGE_NAMES.contains(name)) return StorageType.valueOf(name);
        return switch (qualified) {
            case "collections.OrderedDict" -> args -> new OrderedDictValue();
            case "torch._utils._rebuild_tensor_v2" -> TorchUnpickler::rebuildTensor;
            case "torch._utils._rebuild_parameter" -> args -> args[0];
            default -> throw new CheckpointException("forbidden pickle global: " + qualified);
        };
    }

    /** (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static Object rebuildTensor(Object[] args) {
        if (args.length < 4
                || !(args[0] instanceof StorageRef storage)
                || !(args[2] instanceof Object[] size)
                || !(args[3] instanceof Object[] stride)
                || size.length != stride.length) {
            throw new PickleException("_rebuild_tensor_v2 with unexpected arguments");
        }
        return new TensorRef(storage, toLong(args[1]), toLongs(size), toLongs(stride));
    }

    /** torch.save's persistent id: ('storage', storage type, key, location, numel). */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] t)
                || t.length != 5
                || !"storage".equals(t[0])
                || !(t[1] instanceof StorageType type)
                || !(t[2] instanceof String key)) {
            throw new PickleException("unexpected persistent id in checkpoint pickle");
        }
        return new StorageRef(key, type, toLong(t[4]));
    }

    /** A length-prefixed opcode may not claim more bytes than the pickle has left (no huge allocations). */
    private void checkLength(int width) throws IOException {
        input.mark(width);
        byte[] b = input.readNBytes(width);
        long length = 0;
        for (int i = b.length - 1; i >= 0; i--) length = (length << 8) | (b[i] & 0xff);
        int left = input.available();
        input.reset();
        if (b.length < width || length < 0 || length > left) {
            throw new CheckpointException(
                    "malformed checkpoint pickle: a value claims " + length + " bytes, only " + left + " are left");
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = input.read(); c != '\n'; c = input.read()) {
            if (c < 0 || line.length() > 200) throw new CheckpointException("malformed checkpoint pickle: bad GLOBAL");
            line.append((char) c);
        }
        return new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static long toLong(Object o) {
        if (o instanceof Integer || o instanceof Long) return ((Number) o).longValue();
        throw new PickleException("expected an integer in checkpoint pickle, got " + o);
    }

    private static long[] toLongs(Object[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < out.length; i++) out[i] = toLong(values[i]);
        return out;
    }
}

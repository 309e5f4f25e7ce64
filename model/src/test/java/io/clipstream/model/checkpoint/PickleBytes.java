package io.clipstream.model.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes by hand, to craft checkpoints (good and malicious) in tests. Nothing is executed. */
final class PickleBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes proto(int version) {
        return op(0x80).op(version);
    }

    PickleBytes global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    PickleBytes stackGlobal(String module, String name) {
        return str(module).str(name).op(0x93);
    }

    PickleBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').int4(b.length).raw(b);
    }

    /** BININT1 / BININT2 / BININT, whichever fits. */
    PickleBytes integer(int v) {
        if (v >= 0 && v < 256) return op('K').op(v);
        if (v >= 0 && v < 65536) return op('M').op(v & 0xff).op(v >>> 8);
        return op('J').int4(v);
    }

    /** torch.save's tensor: _rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict()). */
    PickleBytes tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage")
                .global("torch", storageType)
                .str(key)
                .str("cpu")
                .integer(numel)
                .op('t')
                .op('Q');
        integer(offset).mark();
        for (int s : size) integer(s);
        op('t').mark();
        for (int s : stride) integer(s);
        op('t').op(0x89).global("collections", "OrderedDict").op(')').op('R');
        return op('t').op('R');
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes op(int code) {
        out.write(code);
        return this;
    }

    PickleBytes int4(int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
        return this;
    }

    PickleBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}

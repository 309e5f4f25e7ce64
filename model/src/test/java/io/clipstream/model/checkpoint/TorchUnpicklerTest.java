package io.clipstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.model.checkpoint.TorchUnpickler.StorageType;
import io.clipstream.model.checkpoint.TorchUnpickler.TensorRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TorchUnpicklerTest {

    @Test
    void readsAStateDictOfTensorViews() throws Exception {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .global("collections", "OrderedDict")
                .op(')')
                .op('R')
                .mark()
                .str("w")
                .tensor("HalfStorage", "7", 12, 2, new int[] {2, 3}, new int[] {1, 4})
                .op('u') // SETITEMS
                .op('}')
                .str("_metadata")
                .op('}')
                .op('s')
                .op('b') // BUILD with torch's _metadata
                .op('.')
                .bytes();
        Object root = TorchUnpickler.load(pkl);
        assertThat(root).isInstanceOf(Map.class);
        TensorRef w = (TensorRef) ((Map<?, ?>) root).get("w");
        assertThat(w.storage().key()).isEqualTo("7");
        assertThat(w.storage().type()).isEqualTo(StorageType.HalfStorage);
        assertThat(w.storage().numel()).isEqualTo(12);
        assertThat(w.offset()).isEqualTo(2);
        assertThat(w.size()).containsExactly(2, 3);
        assertThat(w.stride()).containsExactly(1, 4);
    }

    @Test
    void refusesAGlobalBeforeConstructingAnything() {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .global("os", "system")
                .str("echo pwned")
                .op(0x85)
                .op('R')
                .op('.')
                .bytes();
        assertThatThrownBy(() -> TorchUnpickler.load(pkl))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("forbidden pickle global: os.system");
    }

    @Test
    void refusesAStackGlobal() {
        byte[] pkl = new PickleBytes()
                .proto(4)
                .stackGlobal("subprocess", "Popen")
                .str("ls")
                .op(0x85)
                .op('R')
                .op('.')
                .bytes();
        assertThatThrownBy(() -> TorchUnpickler.load(pkl))
                .isInstanceOf(CheckpointException.class)
                .hasMessage("forbidden pickle global: subprocess.Popen");
    }

    @Test
    void refusesTorchsLegacyLoadFromBytesAndLookalikeNames() {
        for (String[] g : new String[][] {
            {"torch.storage", "_load_from_bytes"},
            {"torch", "load"},
            {"torch._utils", "_rebuild_device_tensor_from_numpy"},
            {"collections", "OrderedDictX"}
        }) {
            byte[] pkl = new PickleBytes().proto(2).global(g[0], g[1]).op('.').bytes();
            assertThatThrownBy(() -> TorchUnpickler.load(pkl))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessage("forbidden pickle global: " + g[0] + "." + g[1]);
        }
    }

    @Test
    void refusesInstAndObjOpcodes() {
        byte[] inst = new PickleBytes()
                .proto(2)
                .mark()
                .op('i')
                .raw("os\nsystem\n".getBytes())
                .op('.')
                .bytes();
        assertThatThrownBy(() -> TorchUnpickler.load(inst))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("forbidden pickle opcode");
    }

    @Test
    void refusesALengthLargerThanThePickle() {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .op('X')
                .int4(Integer.MAX_VALUE)
                .raw(new byte[10])
                .op('.')
                .bytes();
        assertThatThrownBy(() -> TorchUnpickler.load(pkl))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("claims 2147483647 bytes");
    }

    @Test
    void refusesGarbage() {
        assertThatThrownBy(() -> TorchUnpickler.load(new byte[] {(byte) 0x80, 2, 'R', '.'}))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("malformed checkpoint pickle");
        assertThatThrownBy(() -> TorchUnpickler.load(new byte[] {(byte) 0x80, 2, '}'}))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("malformed checkpoint pickle");
    }

    @Test
    void storageTypesCannotBeCalled() {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .global("torch", "FloatStorage")
                .op(')')
                .op('R')
                .op('.')
                .bytes();
        assertThatThrownBy(() -> TorchUnpickler.load(pkl))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("FloatStorage cannot be called");
    }
}

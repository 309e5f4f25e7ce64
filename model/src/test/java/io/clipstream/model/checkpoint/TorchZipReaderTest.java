package io.clipstream.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchZipReaderTest {
    @TempDir
    Path tmp;

    /** storage "0" holds 0..11 as float32. */
    private static final byte[] TWELVE_FLOATS = floats(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    @Test
    void copiesStridedViewsWithOffsetsOutOfASharedStorage() throws IOException {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .op('}')
                .mark()
                .str("t")
                .tensor("FloatStorage", "0", 12, 1, new int[] {3, 2}, new int[] {1, 3}) // transposed, offset 1
                .str("row")
                .tensor("FloatStorage", "0", 12, 6, new int[] {3}, new int[] {2}) // every other, from 6
                .op('u')
                .op('.')
                .bytes();
        Map<String, Tensor> read = TorchZipReader.read(zip("weights", pkl, Map.of("0", TWELVE_FLOATS)));
        assertThat(read.get("t").shape()).containsExactly(3, 2);
        assertThat(read.get("t").data()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(read.get("row").data()).containsExactly(6, 8, 10);
    }

    @Test
    void findsThePrefixFromTheDataPklEntry() throws IOException {
        byte[] pkl = oneTensor("x", 12, 12);
        assertThat(TorchZipReader.read(zip("some_stem", pkl, Map.of("0", TWELVE_FLOATS)))
                        .get("x")
                        .data())
                .hasSize(12)
                .startsWith(0, 1, 2);
    }

    @Test
    void skipsLongStorages() throws IOException {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .op('}')
                .str("ids")
                .tensor("LongStorage", "0", 6, 0, new int[] {1, 6}, new int[] {6, 1})
                .op('s')
                .op('.')
                .bytes();
        assertThat(TorchZipReader.read(zip("archive", pkl, Map.of("0", TWELVE_FLOATS))))
                .isEmpty();
    }

    @Test
    void refusesAViewReachingOutsideItsStorage() throws IOException {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .op('}')
                .str("w")
                .tensor("FloatStorage", "0", 12, 4, new int[] {3, 3}, new int[] {3, 1})
                .op('s')
                .op('.')
                .bytes();
        Path file = zip("archive", pkl, Map.of("0", TWELVE_FLOATS));
        assertThatThrownBy(() -> TorchZipReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("tensor 'w'")
                .hasMessageContaining("outside its storage of 12 elements");
    }

    @Test
    void refusesAStorageWhoseSizeDisagreesWithThePickle() throws IOException {
        byte[] pkl = oneTensor("w", 16, 12);
        Path file = zip("archive", pkl, Map.of("0", TWELVE_FLOATS));
        assertThatThrownBy(() -> TorchZipReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("archive/data/0 has 48 bytes, expected 16 x 4 = 64");
    }

    @Test
    void refusesAMissingStorageAndAZipWithoutDataPkl() throws IOException {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .op('}')
                .str("w")
                .tensor("FloatStorage", "9", 12, 0, new int[] {12}, new int[] {1})
                .op('s')
                .op('.')
                .bytes();
        Path missing = zip("archive", pkl, Map.of("0", TWELVE_FLOATS));
        assertThatThrownBy(() -> TorchZipReader.read(missing))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("storage entry archive/data/9 is missing");
        Path noPickle = zip("archive", null, Map.of("0", TWELVE_FLOATS));
        assertThatThrownBy(() -> TorchZipReader.read(noPickle))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no <prefix>/data.pkl");
    }

    @Test
    void refusesNonTensorValues() throws IOException {
        byte[] pkl = new PickleBytes()
                .proto(2)
                .op('}')
                .str("epoch")
                .integer(3)
                .op('s')
                .op('.')
                .bytes();
        Path file = zip("archive", pkl, Map.of());
        assertThatThrownBy(() -> TorchZipReader.read(file))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("'epoch' is not a tensor");
    }

    @Test
    void indexingChecksShapesButLeavesTheValuesInTheFileUntilATensorIsRead() throws IOException {
        byte[] pkl = oneTensor("x", 12, 12);
        Path file = zip("archive", pkl, Map.of("0", TWELVE_FLOATS));
        Map<String, StoredTensor> index = TorchZipReader.index(file);
        assertThat(index.get("x").shape()).containsExactly(12);
        assertThat(index.get("x").values().read()).hasSize(12).startsWith(0, 1, 2);
        // the same file with other values: a tensor read after indexing gets the file's values at that time
        float[] other = new float[12];
        java.util.Arrays.fill(other, 7);
        Files.delete(file);
        zip("archive", pkl, Map.of("0", floats(other)));
        assertThat(index.get("x").values().read()).containsOnly(7f);
        Files.delete(file);
        assertThatThrownBy(() -> index.get("x").values().read()).isInstanceOf(IOException.class);
    }

    /** A state dict of one float tensor: the first {@code size} elements of storage "0", which holds {@code storageSize}. */
    private static byte[] oneTensor(String name, int storageSize, int size) {
        return new PickleBytes()
                .proto(2)
                .op('}')
                .str(name)
                .tensor("FloatStorage", "0", storageSize, 0, new int[] {size}, new int[] {1})
                .op('s')
                .op('.')
                .bytes();
    }

    private Path zip(String prefix, byte[] pkl, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        if (pkl != null) entries.put(prefix + "/data.pkl", pkl);
        storages.forEach((k, v) -> entries.put(prefix + "/data/" + k, v));
        entries.put(prefix + "/version", "3\n".getBytes());
        Path file = tmp.resolve(prefix + ".bin");
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            for (var e : entries.entrySet()) { // stored, like torch.save
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(e.getValue().length);
                CRC32 crc = new CRC32();
                crc.update(e.getValue());
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }
}

package io.clipstream.model.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NativeHeapTrimTest {
    @Test
    void thisJvmCanTrimItsNativeHeap() {
        NativeHeapTrim.run();

        assertThat(NativeHeapTrim.available())
                .as("System.trim_native_heap through the DiagnosticCommand bean")
                .isTrue();
    }
}

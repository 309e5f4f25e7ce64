package io.clipstream.model.graph;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One tower in a SameDiff graph of its own, so that each tower's weights can be freed without the other's. One
 * instance serves several threads: each call runs its own inference session.
 */
final class TowerGraph {
    /** Builds a tower into a fresh graph; returns its output variable. */
    @FunctionalInterface
    interface Builder {
        SDVariable build(SameDiff sd) throws java.io.IOException;
    }

    private final SameDiff sd;
    private final String output;
    private final AtomicLong leftoversFreed = new AtomicLong();

    /** Addresses of the weights' buffers, which a run never frees; fixed once the graph is built. */
    private final Set<Long> weights = new HashSet<>();

    private TowerGraph(SameDiff sd, String output) {
        this.sd = sd;
        this.output = output;
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.CONSTANT || v.getVariableType() == VariableType.VARIABLE) {
                keep(weights, sd.getArrForVarName(v.name()));
            }
        }
    }

    static TowerGraph build(Builder tower) throws java.io.IOException {
        SameDiff sd = SameDiff.create();
        // The default ThreadSafeArrayHolder keeps every constant twice (the array given and a per-device copy;
        // docs/nd4j.md#memory). Constants are only written here, while building, and only read afterwards, so
        // plain holders are safe for concurrent inference sessions.
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), false);
        return new TowerGraph(sd, tower.build(sd).name());
    }

    /**
     * Runs one inference and frees its input and output arrays at once. Their off-heap memory would otherwise wait
     * for the garbage collector to find the small Java wrappers, which with a quiet heap can take many batches
     * (docs/nd4j.md#memory).
     */
    float[][] run(Map<String, INDArray> inputs) {
        try {
            INDArray out = sd.output(inputs, output).get(output);
            try {
                return out.toFloatMatrix();
            } finally {
                freeLeftovers(inputs, out);
                release(out);
            }
        } finally {
            inputs.values().forEach(TowerGraph::release);
        }
    }

    /**
     * Frees the activations this thread's inference session still holds after a run. The session hands most
     * intermediate arrays back to its cache as soon as their last consumer has run, but not all of them (in the
     * towers, the outputs of some {@code add}, {@code matmul} and {@code unstack} ops: about 200 MB per text batch of
     * 32, docs/nd4j.md#memory); it drops those at the start of the next run, leaving their off-heap memory to the
     * garbage collector. Closing them here frees it at once. Kept: the weights, the arrays in the session's cache,
     * the inputs and the output, matched by the address of their buffers, so that no array another one shares
     * memory with is ever freed; views are never closed.
     */
    private void freeLeftovers(Map<String, INDArray> inputs, INDArray out) {
        InferenceSession session = sd.getSessions().get(Thread.currentThread().getId());
        if (session == null) {
            return;
        }
        Set<Long> kept = new HashSet<>(weights);
        if (session.getMmgr() instanceof ArrayCacheMemoryMgr cache) {
            cache.getLruCacheValues().values().forEach(a -> keep(kept, a));
            cache.getArrays().values().forEach(list -> list.forEach(a -> keep(kept, a)));
        }
        inputs.values().forEach(a -> keep(kept, a));
        keep(kept, out);
        for (SDValue value : session.getNodeValueOutputs().values()) {
            INDArray array = value.getTensorValue();
            if (array != null
                    && !array.wasClosed()
                    && !array.isView()
                    && array.closeable()
                    && kept.add(address(array))) {
                array.close();
                leftoversFreed.incrementAndGet();
            }
        }
        session.getNodeValueOutputs().clear();
    }

    /** How many arrays runs have left behind and {@link #run} freed, since the graph was built. */
    long leftoversFreed() {
        return leftoversFreed.get();
    }

    private static void keep(Set<Long> kept, INDArray array) {
        if (array != null && !array.wasClosed()) {
            kept.add(address(array));
        }
    }

    /** The address of the memory an array's values live in, the same for an array and every view or alias of it. */
    private static long address(INDArray array) {
        DataBuffer data = array.data();
        while (data.originalDataBuffer() != null) {
            data = data.originalDataBuffer();
        }
        return data.address();
    }

    /** Frees the weights and the inference sessions' cached activations; the graph must not be run again. */
    void close() {
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.CONSTANT) {
                release(sd.getArrForVarName(v.name()));
            }
        }
        for (InferenceSession session : sd.getSessions().values()) {
            try {
                session.getMmgr().close();
            } catch (Exception e) {
                throw new IllegalStateException("could not free an inference session's arrays", e);
            }
        }
        sd.getSessions().clear();
    }

    private static void release(INDArray array) {
        if (array != null && array.closeable()) {
            array.close();
        }
    }
}

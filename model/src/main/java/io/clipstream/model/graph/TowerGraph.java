package io.clipstream.model.graph;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
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

    private TowerGraph(SameDiff sd, String output) {
        this.sd = sd;
        this.output = output;
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
                release(out);
            }
        } finally {
            inputs.values().forEach(TowerGraph::release);
        }
    }

    /** Frees the weights and forgets the inference sessions; the graph must not be run again. */
    void close() {
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.CONSTANT) {
                release(sd.getArrForVarName(v.name()));
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

package io.clipstream.model.graph;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.checkpoint.Tensor;
import java.io.IOException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves checkpoint tensors into a SameDiff graph as constants, each under its open_clip name, with its
 * shape asserted. Every tensor is taken out of the {@link StateDict}, so that what is left afterwards
 * are the unexpected keys.
 */
final class Weights {
    private final SameDiff sd;
    private final StateDict dict;

    Weights(SameDiff sd, StateDict dict) {
        this.sd = sd;
        this.dict = dict;
    }

    /** The tensor as it is stored. */
    SDVariable get(String key, long... shape) throws IOException {
        return sd.constant(key, array(key, shape));
    }

    /**
     * A {@code nn.Linear} weight, stored [out, in], as the [in, out] matrix that {@code x @ W} wants:
     * transposed once at load instead of on every forward pass.
     */
    SDVariable linearWeight(String key, long out, long in) throws IOException {
        return sd.constant(key, array(key, out, in).transpose().dup('c'));
    }

    /** The raw array, for weights that are reshaped or combined before they enter the graph. */
    INDArray array(String key, long... shape) throws IOException {
        Tensor t = dict.take(key, shape);
        return Nd4j.create(t.data(), t.shape(), 'c');
    }

    SameDiff sd() {
        return sd;
    }
}

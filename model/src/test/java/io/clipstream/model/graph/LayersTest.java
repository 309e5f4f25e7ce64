package io.clipstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.model.checkpoint.StateDict;
import io.clipstream.model.checkpoint.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The single-op shortcuts in {@link Layers} and {@link Weights} against the plain formulas they replace. */
class LayersTest {
    private final Random random = new Random(7);

    @Test
    void libnd4jsGeluOpIsQuickGeluBitForBit() {
        float[] x = new float[4001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 2000) / 100f; // -20 … 20 in steps of 0.01
        }
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("x", DataType.FLOAT, x.length);
        Layers.quickGelu(sd, in).rename("op");
        in.mul(sd.nn().sigmoid(in.mul(1.702))).rename("formula");
        Map<String, INDArray> out = sd.output(Map.of("x", Nd4j.createFromArray(x)), "op", "formula");

        assertThat(out.get("op").toFloatVector())
                .containsExactly(out.get("formula").toFloatVector());
        float[] op = out.get("op").toFloatVector();
        assertThat(op[2000 + 100])
                .isCloseTo((float) (1 / (1 + Math.exp(-1.702))), org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void aLayerNormFoldedIntoTheNextLinearGivesWhatTheUnfoldedPairGives() throws Exception {
        int rows = 5;
        int in = 48;
        int out = 20;
        float[] weight = gaussian(out * in, 0.1);
        Map<String, Tensor> tensors = Map.of(
                "ln.weight", new Tensor(new long[] {in}, shifted(gaussian(in, 0.1), 1)),
                "ln.bias", new Tensor(new long[] {in}, gaussian(in, 0.5)),
                "fc.weight", new Tensor(new long[] {out, in}, weight),
                "fc.bias", new Tensor(new long[] {out}, gaussian(out, 0.1)));
        SameDiff sd = SameDiff.create();
        Weights w = new Weights(sd, StateDict.of(new java.util.HashMap<>(tensors)));
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, rows, in);
        SDVariable[] folded = w.linearAfterNorm("ln", "fc", in, out);
        sd.mmul(Layers.normalise(sd, x, 1e-5), folded[0]).add(folded[1]).rename("folded");

        INDArray input = Nd4j.createFromArray(new float[][] {
            gaussian(in, 3), gaussian(in, 0.01), gaussian(in, 1), gaussian(in, 100), gaussian(in, 0.001)
        });
        float[][] actual = sd.output(Map.of("x", input), "folded").get("folded").toFloatMatrix();
        float[][] expected = reference(input.toFloatMatrix(), tensors, in, out);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < out; c++) {
                assertThat((double) actual[r][c])
                        .as("row %d col %d", r, c)
                        .isCloseTo(
                                expected[r][c],
                                org.assertj.core.data.Offset.offset(2e-6 * (1 + Math.abs(expected[r][c]))));
            }
        }
    }

    /** torch's LayerNorm then Linear, in double. */
    private static float[][] reference(float[][] x, Map<String, Tensor> t, int in, int out) {
        float[] gamma = t.get("ln.weight").data();
        float[] beta = t.get("ln.bias").data();
        float[] weight = t.get("fc.weight").data();
        float[] bias = t.get("fc.bias").data();
        float[][] y = new float[x.length][out];
        for (int r = 0; r < x.length; r++) {
            double mean = 0;
            for (float v : x[r]) {
                mean += v;
            }
            mean /= in;
            double var = 0;
            for (float v : x[r]) {
                var += (v - mean) * (v - mean);
            }
            var /= in;
            double[] n = new double[in];
            for (int i = 0; i < in; i++) {
                n[i] = (x[r][i] - mean) / Math.sqrt(var + 1e-5) * gamma[i] + beta[i];
            }
            for (int c = 0; c < out; c++) {
                double s = bias[c];
                for (int i = 0; i < in; i++) {
                    s += n[i] * weight[c * in + i];
                }
                y[r][c] = (float) s;
            }
        }
        return y;
    }

    private float[] gaussian(int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return v;
    }

    private static float[] shifted(float[] v, float by) {
        for (int i = 0; i < v.length; i++) {
            v[i] += by;
        }
        return v;
    }
}

package io.albert4j.model;

import io.albert4j.checkpoint.StateDict;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weights under one key prefix of a checkpoint, as candle's {@code vb.pp("predictions")} or
 * rust-bert's {@code p / "albert"}: a module asks for its own names ({@code "dense"},
 * {@code "LayerNorm"}) and the scope reads the full keys ({@code "predictions.dense.weight"}), so a
 * module's fields map visibly to checkpoint keys. Errors come from {@link StateDict#require} and name
 * the full key, the source, and the expected and found shapes.
 *
 * <p>Immutable; used only while one thread loads a model (the state dict under it is not thread-safe).
 */
final class WeightScope {
    private final StateDict weights;
    private final String prefix; // "" at the root, else ends with '.'

    private WeightScope(StateDict weights, String prefix) {
        this.weights = weights;
        this.prefix = prefix;
    }

    /** The whole checkpoint: keys as stored, e.g. {@code "classifier.weight"}. */
    static WeightScope root(StateDict weights) {
        return new WeightScope(weights, "");
    }

    /** The scope one level down: {@code root.pp("albert").pp("pooler")} reads {@code "albert.pooler.*"}. */
    WeightScope pp(String name) {
        return new WeightScope(weights, key(name) + ".");
    }

    /** The full checkpoint key of a name in this scope. */
    String key(String name) {
        return prefix + name;
    }

    /** The tensor {@code name} of this scope, which must have exactly {@code expectedShape}. */
    INDArray require(String name, long... expectedShape) {
        return weights.require(key(name), expectedShape);
    }

    /** Whether the checkpoint holds {@code name} (under the state dict's resolution rules). */
    boolean contains(String name) {
        return weights.contains(key(name));
    }

    /** Whether the file itself stores {@code name}, not only a weight it is tied to. */
    boolean storesUntied(String name) {
        return weights.storesUntied(key(name));
    }

    /** A torch {@code nn.Linear(in, out)} at {@code name}: {@code name.weight} [out, in], {@code name.bias} [out]. */
    Linear linear(String name, int in, int out) {
        return Linear.load(weights, key(name), in, out);
    }

    /** A torch {@code nn.LayerNorm(n)} at {@code name}: {@code name.weight} [n], {@code name.bias} [n]. */
    LayerNorm layerNorm(String name, int n, double eps) {
        return LayerNorm.load(weights, key(name), n, eps);
    }

    /** The checkpoint file (or index) named in messages. */
    String source() {
        return weights.source();
    }
}

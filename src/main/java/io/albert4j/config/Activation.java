package io.albert4j.config;

import io.albert4j.AlbertException;

import java.util.Arrays;
import java.util.Locale;

/**
 * The {@code hidden_act} values Hugging Face's ALBERT accepts, with their exact formulas
 * ({@code transformers.activations}). Stateless and thread-safe.
 */
public enum Activation {
    /** Exact GELU: x·Φ(x), via erf. */
    GELU("gelu"),
    /** Tanh approximation of GELU (ALBERT's default). */
    GELU_NEW("gelu_new"),
    /** Tanh approximation, written as x·(1 + tanh(0.7978845608·x·(1 + 0.044715·x²)))/2. */
    GELU_FAST("gelu_fast"),
    /** PyTorch's {@code gelu(approximate='tanh')}, the same formula as gelu_new. */
    GELU_PYTORCH_TANH("gelu_pytorch_tanh"),
    /** x·sigmoid(1.702·x). */
    QUICK_GELU("quick_gelu"),
    RELU("relu"),
    /** x·sigmoid(x); Hugging Face also calls it swish. */
    SILU("silu"),
    TANH("tanh"),
    SIGMOID("sigmoid"),
    LINEAR("linear");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Parses a {@code hidden_act} value; an unknown name fails naming the key and the choices. */
    public static Activation fromConfig(String name) {
        String normalized = name.toLowerCase(Locale.ROOT);
        if (normalized.equals("swish")) {
            return SILU;
        }
        for (Activation a : values()) {
            if (a.configName.equals(normalized)) {
                return a;
            }
        }
        throw new AlbertException("config.json: unsupported hidden_act \"" + name + "\"; expected one of "
                + Arrays.stream(values()).map(Activation::configName).toList() + " or swish");
    }

    /** The activation of one value, in double precision: the scalar reference for fast kernels. */
    public double apply(double x) {
        return switch (this) {
            case GELU -> 0.5 * x * (1.0 + Erf.erf(x / Math.sqrt(2.0)));
            case GELU_NEW, GELU_FAST, GELU_PYTORCH_TANH ->
                    0.5 * x * (1.0 + Math.tanh(Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x)));
            case QUICK_GELU -> x / (1.0 + Math.exp(-1.702 * x));
            case RELU -> Math.max(0.0, x);
            case SILU -> x / (1.0 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            case LINEAR -> x;
        };
    }
}

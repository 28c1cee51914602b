package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.AlbertOutput;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Hugging Face's feature-extraction pipeline (token-level last_hidden_state) and sentence
 * embeddings (CLS, mean over the attention mask, or pooler output; optionally L2-normalised), as
 * {@link FeatureExtractionOptions} choose. Works with any checkpoint's encoder. Long inputs are
 * truncated to the model's positions.
 *
 * <p>The result for a text is a {@code [rows, hidden]} matrix: without pooling one row per token
 * ({@code [CLS]} and {@code [SEP]} included), with pooling a single row.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class FeatureExtractionPipeline implements Pipeline<String, float[][]> {
    /** Sequences per forward pass when {@link #embed} embeds many texts. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final FeatureExtractionOptions options;
    private final EncodeOptions encodeOptions;

    /** With {@link FeatureExtractionOptions#defaults()}: every token's features. */
    public FeatureExtractionPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        this(model, tokenizer, FeatureExtractionOptions.defaults());
    }

    public FeatureExtractionPipeline(AlbertModel model, AlbertTokenizer tokenizer, FeatureExtractionOptions options) {
        Task.FEATURE_EXTRACTION.requireServedBy(model);
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = Options.required("options", options);
        this.encodeOptions = Batch.truncatedToModel(model);
    }

    /** Equal when sharing the model and tokenizer, with equal options. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureExtractionPipeline p && p.model == model && p.tokenizer == tokenizer && p.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer), options);
    }

    @Override
    public Task task() {
        return Task.FEATURE_EXTRACTION;
    }

    public FeatureExtractionOptions options() {
        return options;
    }

    /** This pipeline with other options (the model and tokenizer shared). */
    public FeatureExtractionPipeline withOptions(FeatureExtractionOptions value) {
        return new FeatureExtractionPipeline(model, tokenizer, value);
    }

    /** Batched: one padded forward pass; each text's token rows cut back to its own length. */
    @Override
    public List<float[][]> run(List<String> texts) {
        Batch.requireInputs(texts);
        if (texts.isEmpty()) {
            return List.of();
        }
        List<Encoding> encodings = texts.stream().map(t -> tokenizer.encode(t, null, encodeOptions)).toList();
        AlbertOutput out = model.forward(Batch.of(encodings, tokenizer.padId()));
        if (options.pooling() != Pooling.NONE) {
            return Arrays.stream(pooled(out, encodings)).map(v -> new float[][] {v}).toList();
        }
        INDArray hidden = out.lastHiddenState(); // [batch, seq, hidden]
        List<float[][]> features = new ArrayList<>();
        for (int b = 0; b < encodings.size(); b++) {
            features.add(hidden.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, encodings.get(b).length()),
                    NDArrayIndex.all()).toFloatMatrix());
        }
        return features;
    }

    /**
     * One sentence embedding per text, in input order, for many texts: sorted by length into
     * forward passes of at most {@code batchSize} texts, so that little padding is computed.
     *
     * @throws AlbertException when the options pool nothing ({@link Pooling#NONE})
     */
    public List<float[]> embed(List<String> texts, int batchSize) {
        if (options.pooling() == Pooling.NONE) {
            throw new AlbertException("embed needs a pooling (cls, mean or pooler); this pipeline's is none");
        }
        Batch.requireInputs(texts);
        List<Encoding> encodings = texts.stream().map(t -> tokenizer.encode(t, null, encodeOptions)).toList();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> encodings.get(i).length()));
        float[][] out = new float[texts.size()][];
        for (List<Integer> chunk : Batch.chunks(order, batchSize)) {
            List<Encoding> batch = chunk.stream().map(encodings::get).toList();
            float[][] pooled = pooled(model.forward(Batch.of(batch, tokenizer.padId())), batch);
            for (int i = 0; i < chunk.size(); i++) {
                out[chunk.get(i)] = pooled[i];
            }
        }
        return List.of(out);
    }

    /** [batch][hidden]: the pooled (and, as the options say, normalised) vector of each sequence. */
    private float[][] pooled(AlbertOutput out, List<Encoding> batch) {
        float[][] pooled = pool(out, batch, options.pooling());
        if (options.normalize()) {
            for (int i = 0; i < pooled.length; i++) {
                pooled[i] = l2Normalized(pooled[i]);
            }
        }
        return pooled;
    }

    private static float[][] pool(AlbertOutput out, List<Encoding> batch, Pooling pooling) {
        INDArray hidden = out.lastHiddenState(); // [batch, seq, hidden]
        return switch (pooling) {
            case CLS -> hidden.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()).toFloatMatrix();
            case POOLER -> {
                if (out.poolerOutput() == null) {
                    throw new AlbertException("this checkpoint has no pooler (albert.pooler.*); use cls or mean pooling");
                }
                yield out.poolerOutput().toFloatMatrix();
            }
            case MEAN -> meanOverMask(hidden, batch);
            case NONE -> throw new IllegalStateException("no pooling to apply");
        };
    }

    private static float[][] meanOverMask(INDArray hidden, List<Encoding> batch) {
        float[][] out = new float[batch.size()][];
        for (int b = 0; b < batch.size(); b++) {
            float[][] tokens = hidden.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.all()).toFloatMatrix();
            int[] mask = batch.get(b).attentionMask();
            float[] sum = new float[tokens[0].length];
            int count = 0;
            for (int s = 0; s < mask.length; s++) {
                if (mask[s] == 0) {
                    continue;
                }
                count++;
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += tokens[s][j];
                }
            }
            for (int j = 0; j < sum.length; j++) {
                sum[j] /= Math.max(count, 1);
            }
            out[b] = sum;
        }
        return out;
    }

    private static float[] l2Normalized(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        float scale = (float) (1.0 / Math.max(Math.sqrt(norm), 1e-12));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * scale;
        }
        return out;
    }
}

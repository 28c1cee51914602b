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
import java.util.Comparator;
import java.util.List;

/**
 * Hugging Face's feature-extraction pipeline (token-level last_hidden_state) and sentence
 * embeddings (CLS, mean over the attention mask, or pooler output; optionally L2-normalised).
 * Works with any checkpoint's encoder. Long inputs are truncated to the model's positions.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class FeatureExtractionPipeline {
    /** Sequences per forward pass when embedding many texts. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final EncodeOptions options;

    public FeatureExtractionPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = Batch.truncatedToModel(model);
    }

    /** [seq, hidden]: the last hidden state of every token of the text, [CLS] and [SEP] included. */
    public float[][] tokenFeatures(String text) {
        Encoding e = tokenizer.encode(text, null, options);
        return model.forward(Batch.of(List.of(e), tokenizer.padId())).lastHiddenState()
                .get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).toFloatMatrix();
    }

    /**
     * One embedding per text, in input order. Texts are sorted by length into batches of
     * {@code batchSize} so that little padding is computed.
     */
    public List<float[]> embed(List<String> texts, Pooling pooling, boolean normalize, int batchSize) {
        List<Encoding> encodings = texts.stream().map(t -> tokenizer.encode(t, null, options)).toList();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt(i -> encodings.get(i).length()));
        float[][] out = new float[texts.size()][];
        for (List<Integer> chunk : Batch.chunks(order, batchSize)) {
            List<Encoding> batch = chunk.stream().map(encodings::get).toList();
            float[][] pooled = pool(model.forward(Batch.of(batch, tokenizer.padId())), batch, pooling);
            for (int i = 0; i < chunk.size(); i++) {
                out[chunk.get(i)] = normalize ? l2Normalized(pooled[i]) : pooled[i];
            }
        }
        return List.of(out);
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

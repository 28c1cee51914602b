package io.albert4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.albert4j.cli.JsonResults;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.Pooling;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Truncation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * feature-extraction: {@code {"inputs": "text" | [...]}} → the last hidden state of every token, in
 * Hugging Face's pipeline shape: {@code [[token vectors]]} ([1, seq, hidden]) for a text, a list of
 * those for a list. Parameters: {@code truncate} / {@code truncation} (default true: cut to the
 * model's positions; false: 400 for a longer text), {@code truncation_direction} (right only), and
 * two of albert4j's own: {@code pooling} (cls, mean or pooler: one vector per text, as the CLI's
 * {@code embed --pooling}) with {@code normalize} (L2, needs a pooling).
 */
final class FeatureExtractionTask extends ServedTask {
    private final FeatureExtractionPipeline pipeline;
    private final EncodeOptions encodeOptions;

    FeatureExtractionTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new FeatureExtractionPipeline(model, tokenizer);
        // The same options as FeatureExtractionPipeline: truncated to the model's positions.
        encodeOptions = EncodeOptions.defaults().withMaxLength(model.config().maxPositionEmbeddings())
                .withTruncation(Truncation.LONGEST_FIRST);
    }

    @Override
    String name() {
        return "feature-extraction";
    }

    @Override
    Set<String> parameters() {
        return Set.of("truncate", "truncation", "truncation_direction", "normalize", "prompt_name", "pooling");
    }

    @Override
    Job job(Request request) {
        Texts texts = Texts.of(request.inputs());
        String poolingName = request.string("pooling", "none");
        Pooling pooling = poolingName.toLowerCase(Locale.ROOT).equals("none") ? null : Pooling.parse(poolingName);
        boolean normalize = request.bool("normalize", false);
        if (normalize && pooling == null) {
            throw HttpError.badRequest("parameter \"normalize\" needs \"pooling\" (cls, mean or pooler): token-level "
                    + "features are not normalized");
        }
        request.unsupported("prompt_name", "this server has no prompts");
        String direction = request.string("truncation_direction", "right");
        if (!direction.equalsIgnoreCase("right")) {
            throw HttpError.badRequest("parameter \"truncation_direction\" must be right, found \"" + direction + "\"");
        }
        boolean truncation = request.bool("truncate", request.bool("truncation", true));
        List<Integer> tokens = requestTokens(singles(texts.texts()), true);
        texts.texts().forEach(t -> requireFits(truncation, t, null));
        requireOutputFloats(tokens, pooling != null);
        Runner runner = pooling == null ? new TokenFeatures(model, tokenizer, encodeOptions)
                : new Embed(pipeline, pooling, normalize);
        return new Job(runner, texts.asInputs(), results -> {
            List<ArrayNode> each = results.stream().map(r -> pooling == null
                    ? JsonResults.JSON.createArrayNode().add(JsonResults.matrix((float[][]) r))
                    : JsonResults.vector((float[]) r)).toList();
            return texts.single() ? each.get(0) : JsonResults.JSON.createArrayNode().addAll(each);
        }).withTokens(tokens);
    }

    /**
     * Holds a response to {@link ServerOptions#maxOutputFloats()}: token features are tokens × hidden
     * size numbers per text (counted exactly when the bounds exceed the budget), pooled ones hidden size.
     */
    private void requireOutputFloats(List<Integer> tokens, boolean pooled) {
        long hidden = model.config().hiddenSize();
        long floats = pooled ? tokens.size() * hidden : tokens.stream().mapToLong(Integer::longValue).sum() * hidden;
        if (floats > budgets.maxOutputFloats()) {
            throw new HttpError(413, "the response would hold about " + floats + " numbers (tokens × hidden size "
                    + hidden + "); the limit is " + budgets.maxOutputFloats() + " (--max-output-floats): send fewer "
                    + "or shorter texts, or ask for one vector per text with \"pooling\"");
        }
    }

    /**
     * Token features of several texts in one padded forward pass, each cut back to its own length
     * (what {@link FeatureExtractionPipeline#tokenFeatures} gives one text at a time).
     */
    private record TokenFeatures(AlbertModel model, AlbertTokenizer tokenizer, EncodeOptions options)
            implements Runner {
        @Override
        public List<?> run(List<Object> inputs) {
            List<Encoding> encodings = new ArrayList<>();
            for (Object text : inputs) {
                encodings.add(tokenizer.encode((String) text, null, options));
            }
            int seq = encodings.stream().mapToInt(Encoding::length).max().orElseThrow();
            int rows = encodings.size();
            int[][] ids = new int[rows][seq];
            int[][] types = new int[rows][seq];
            int[][] mask = new int[rows][seq];
            for (int r = 0; r < rows; r++) {
                Encoding e = encodings.get(r);
                Arrays.fill(ids[r], tokenizer.padId());
                System.arraycopy(e.inputIds(), 0, ids[r], 0, e.length());
                System.arraycopy(e.tokenTypeIds(), 0, types[r], 0, e.length());
                System.arraycopy(e.attentionMask(), 0, mask[r], 0, e.length());
            }
            INDArray hidden = model.forward(AlbertInput.of(ids, types, mask)).lastHiddenState(); // [rows, seq, hidden]
            List<float[][]> out = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                out.add(hidden.get(NDArrayIndex.point(r), NDArrayIndex.interval(0, encodings.get(r).length()),
                        NDArrayIndex.all()).toFloatMatrix());
            }
            return out;
        }
    }

    /** Pooled (and optionally normalized) sentence embeddings. */
    private record Embed(FeatureExtractionPipeline pipeline, Pooling pooling, boolean normalize) implements Runner {
        @Override
        public List<?> run(List<Object> inputs) {
            // The batcher already bounds a call to --max-batch texts: one forward pass.
            return pipeline.embed(inputs.stream().map(String.class::cast).toList(), pooling, normalize,
                    Math.max(1, inputs.size()));
        }
    }
}

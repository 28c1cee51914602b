package io.albert4j.spark;

import io.albert4j.pipeline.FeatureExtractionPipeline;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;

/**
 * Feature extraction (Hugging Face's "feature-extraction" pipeline) from any ALBERT checkpoint's
 * encoder: the last hidden state of every token, {@code [CLS]} and {@code [SEP]} included, as
 * {@code array<array<float>>} of shape [tokens, hidden]. Texts longer than the model's positions are
 * truncated. Each row is one forward pass (the pipeline's token-level form is per text), so
 * {@code batchSize} only sets how many rows are handed over together; for one vector per text use
 * {@link SentenceEmbedder}. See {@link AlbertStage} for the common parameters.
 */
public final class FeatureExtractor extends TextStage<FeatureExtractor> {
    private static final long serialVersionUID = 1L;

    public FeatureExtractor() {
        this(Identifiable.randomUID("albertFeatureExtractor"));
    }

    public FeatureExtractor(String uid) {
        super(uid, "features");
    }

    public static MLReader<FeatureExtractor> read() {
        return new DefaultParamsReader<>();
    }

    public static FeatureExtractor load(String path) {
        return read().load(path);
    }

    @Override
    protected DataType outputType() {
        return DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false);
    }

    @Override
    BatchTask task() {
        return new Task();
    }

    private record Task() implements BatchTask {
        @Override
        public int requiredInputs() {
            return 1;
        }

        @Override
        public Runner open(ModelCache.Loaded loaded) {
            FeatureExtractionPipeline pipeline = new FeatureExtractionPipeline(loaded.model(), loaded.tokenizer());
            return inputs -> new ArrayList<Object>(pipeline.run(inputs.stream().map(in -> in[0]).toList()));
        }
    }
}

package io.albert4j.spark;

import io.albert4j.pipeline.FeatureExtractionOptions;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.Pooling;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.List;

/**
 * Sentence embeddings from any ALBERT checkpoint's encoder: one vector per text, pooled over the
 * last hidden state. Options: {@code pooling} ("mean" over the attention mask, the default; "cls";
 * "pooler", the checkpoint's tanh pooler, refused at load when the checkpoint has none),
 * {@code normalize} (false; true for unit L2 length) and {@code outputAsVector} (false:
 * {@code array<float>}; true: a Spark ML {@code Vector}, in doubles, for ML algorithms). Texts
 * longer than the model's positions are truncated. See {@link AlbertStage} for the common parameters.
 */
public final class SentenceEmbedder extends TextStage<SentenceEmbedder> {
    private static final long serialVersionUID = 1L;

    private final Param<String> pooling;
    private final BooleanParam normalize;
    private final BooleanParam outputAsVector;

    public SentenceEmbedder() {
        this(Identifiable.randomUID("albertSentenceEmbedder"));
    }

    public SentenceEmbedder(String uid) {
        super(uid, "embedding");
        pooling = new Param<>(uid, "pooling", "mean, cls or pooler",
                ParamValidators.inArray(new String[] {"mean", "cls", "pooler"}));
        normalize = new BooleanParam(uid, "normalize", "scale each embedding to unit L2 length");
        outputAsVector = new BooleanParam(uid, "outputAsVector", "a Spark ML Vector column instead of array<float>");
        setDefault(pooling, "mean");
        setDefault(normalize, false);
        setDefault(outputAsVector, false);
    }

    public static MLReader<SentenceEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    public static SentenceEmbedder load(String path) {
        return read().load(path);
    }

    public Param<String> pooling() {
        return pooling;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public BooleanParam outputAsVector() {
        return outputAsVector;
    }

    public String getPooling() {
        return getOrDefault(pooling);
    }

    public SentenceEmbedder setPooling(String value) {
        return with(pooling, value);
    }

    public boolean getNormalize() {
        return booleanValue(normalize);
    }

    public SentenceEmbedder setNormalize(boolean value) {
        return with(normalize, value);
    }

    public boolean getOutputAsVector() {
        return booleanValue(outputAsVector);
    }

    public SentenceEmbedder setOutputAsVector(boolean value) {
        return with(outputAsVector, value);
    }

    @Override
    protected DataType outputType() {
        return getOutputAsVector() ? SQLDataTypes.VectorType() : DataTypes.createArrayType(DataTypes.FloatType, false);
    }

    @Override
    BatchTask task() {
        return new Task(Pooling.parse(getPooling()), getNormalize(), getOutputAsVector());
    }

    private record Task(Pooling pooling, boolean normalize, boolean vector) implements BatchTask {
        @Override
        public int requiredInputs() {
            return 1;
        }

        @Override
        public Runner open(ModelCache.Loaded loaded) {
            FeatureExtractionPipeline pipeline = new FeatureExtractionPipeline(loaded.model(), loaded.tokenizer(),
                    new FeatureExtractionOptions(pooling, normalize));
            if (pooling == Pooling.POOLER) {
                pipeline.run(""); // fails at once for a checkpoint without a pooler
            }
            return inputs -> pipeline.embed(inputs.stream().map(in -> in[0]).toList(), Math.max(1, inputs.size()))
                    .stream().<Object>map(e -> vector ? Vectors.dense(toDoubles(e)) : e).toList();
        }

        private static double[] toDoubles(float[] values) {
            double[] out = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i];
            }
            return out;
        }
    }
}

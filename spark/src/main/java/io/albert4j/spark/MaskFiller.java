package io.albert4j.spark;

import io.albert4j.pipeline.FillMaskCandidate;
import io.albert4j.pipeline.FillMaskOptions;
import io.albert4j.pipeline.FillMaskPipeline;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.List;

/**
 * Fill-mask (Hugging Face's "fill-mask" pipeline) for an AlbertForMaskedLM or AlbertForPreTraining
 * checkpoint. A text without {@code [MASK]} is refused (see {@code handleInvalid}).
 *
 * <p>Output: one candidate list per {@code [MASK]} in text order, even for a single mask,
 * {@code array<array<struct<score: double, token: int, token_str: string, sequence: string>>>}.
 * Options, with Hugging Face's names: {@code topK} (5) and {@code targets} (words the candidates are
 * restricted to; empty for the whole vocabulary). See {@link AlbertStage} for the common parameters.
 */
public final class MaskFiller extends TextStage<MaskFiller> {
    private static final long serialVersionUID = 1L;

    private final IntParam topK;
    private final StringArrayParam targets;

    public MaskFiller() {
        this(Identifiable.randomUID("albertMaskFiller"));
    }

    public MaskFiller(String uid) {
        super(uid, "predictions");
        topK = new IntParam(uid, "topK", "candidates per mask (top_k)", ParamValidators.gtEq(1));
        targets = new StringArrayParam(this, "targets", "words the candidates are restricted to; empty = all (targets)");
        setDefault(topK, FillMaskOptions.DEFAULT_TOP_K);
        setDefault(targets, new String[0]);
    }

    public static MLReader<MaskFiller> read() {
        return new DefaultParamsReader<>();
    }

    public static MaskFiller load(String path) {
        return read().load(path);
    }

    public IntParam topK() {
        return topK;
    }

    public StringArrayParam targets() {
        return targets;
    }

    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    public MaskFiller setTopK(int value) {
        return with(topK, value);
    }

    public String[] getTargets() {
        return getOrDefault(targets);
    }

    public MaskFiller setTargets(String... value) {
        return with(targets, value);
    }

    @Override
    protected DataType outputType() {
        return DataTypes.createArrayType(SparkValues.arrayOf(SparkValues.field("score", DataTypes.DoubleType),
                SparkValues.field("token", DataTypes.IntegerType), SparkValues.field("token_str", DataTypes.StringType),
                SparkValues.field("sequence", DataTypes.StringType)), false);
    }

    @Override
    BatchTask task() {
        List<String> words = listValue(targets);
        return new Task(getTopK(), words);
    }

    private record Task(int topK, List<String> targets) implements BatchTask {
        @Override
        public int requiredInputs() {
            return 1;
        }

        @Override
        public Runner open(ModelCache.Loaded loaded) {
            FillMaskPipeline pipeline = new FillMaskPipeline(loaded.model(), loaded.tokenizer(), FillMaskOptions.defaults()
                    .withTopK(topK).withTargets(targets));
            return inputs -> pipeline.run(inputs.stream().map(in -> in[0]).toList()).stream()
                    .<Object>map(masks -> SparkValues.array(masks, Task::candidates)).toList();
        }

        private static Object candidates(List<FillMaskCandidate> candidates) {
            return SparkValues.array(candidates,
                    c -> SparkValues.struct(c.score(), c.token(), c.tokenStr(), c.sequence()));
        }
    }
}

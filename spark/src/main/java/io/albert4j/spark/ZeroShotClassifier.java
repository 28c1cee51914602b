package io.albert4j.spark;

import io.albert4j.pipeline.ZeroShotClassificationPipeline;
import io.albert4j.pipeline.ZeroShotOptions;
import io.albert4j.pipeline.ZeroShotResult;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot classification (Hugging Face's "zero-shot-classification" pipeline) with an
 * AlbertForSequenceClassification trained on NLI (its config names an "entailment" label): each of
 * {@code candidateLabels} is put into {@code hypothesisTemplate} ("This example is {}.") and scored
 * against the text as premise; {@code multiLabel} (false) scores each label on its own.
 *
 * <p>Output: {@code array<struct<label: string, score: double>>}, every candidate label, highest
 * score first (Hugging Face's parallel {@code labels} and {@code scores}). See {@link AlbertStage}
 * for the common parameters; {@code batchSize} counts texts (each makes one pair per label).
 */
public final class ZeroShotClassifier extends TextStage<ZeroShotClassifier> {
    private static final long serialVersionUID = 1L;

    private final StringArrayParam candidateLabels;
    private final Param<String> hypothesisTemplate;
    private final BooleanParam multiLabel;

    public ZeroShotClassifier() {
        this(Identifiable.randomUID("albertZeroShotClassifier"));
    }

    public ZeroShotClassifier(String uid) {
        super(uid, "classification");
        candidateLabels = new StringArrayParam(this, "candidateLabels", "the labels to choose from (candidate_labels)");
        hypothesisTemplate = new Param<>(uid, "hypothesisTemplate",
                "the hypothesis, with {} where the label goes (hypothesis_template)");
        multiLabel = new BooleanParam(uid, "multiLabel", "score each label on its own (multi_label)");
        setDefault(hypothesisTemplate, ZeroShotOptions.DEFAULT_HYPOTHESIS_TEMPLATE);
        setDefault(multiLabel, false);
    }

    public static MLReader<ZeroShotClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static ZeroShotClassifier load(String path) {
        return read().load(path);
    }

    public StringArrayParam candidateLabels() {
        return candidateLabels;
    }

    public Param<String> hypothesisTemplate() {
        return hypothesisTemplate;
    }

    public BooleanParam multiLabel() {
        return multiLabel;
    }

    public String[] getCandidateLabels() {
        return isDefined(candidateLabels) ? getOrDefault(candidateLabels) : new String[0];
    }

    public ZeroShotClassifier setCandidateLabels(String... value) {
        return with(candidateLabels, value);
    }

    public String getHypothesisTemplate() {
        return getOrDefault(hypothesisTemplate);
    }

    public ZeroShotClassifier setHypothesisTemplate(String value) {
        return with(hypothesisTemplate, value);
    }

    public boolean getMultiLabel() {
        return booleanValue(multiLabel);
    }

    public ZeroShotClassifier setMultiLabel(boolean value) {
        return with(multiLabel, value);
    }

    /** Also checks that candidate labels are set. */
    @Override
    public StructType transformSchema(StructType schema) {
        if (getCandidateLabels().length == 0) {
            throw new IllegalArgumentException(name() + ": candidateLabels is not set (setCandidateLabels: at least one label)");
        }
        return super.transformSchema(schema);
    }

    @Override
    protected DataType outputType() {
        return SparkValues.arrayOf(SparkValues.field("label", DataTypes.StringType),
                SparkValues.field("score", DataTypes.DoubleType));
    }

    @Override
    BatchTask task() {
        return new Task(List.of(getCandidateLabels()), getHypothesisTemplate(), getMultiLabel());
    }

    private record Task(List<String> labels, String template, boolean multiLabel) implements BatchTask {
        @Override
        public int requiredInputs() {
            return 1;
        }

        @Override
        public Runner open(ModelCache.Loaded loaded) {
            ZeroShotClassificationPipeline pipeline = new ZeroShotClassificationPipeline(loaded.model(), loaded.tokenizer(),
                    ZeroShotOptions.of(labels).withHypothesisTemplate(template).withMultiLabel(multiLabel));
            return inputs -> {
                List<ZeroShotResult> results = pipeline.run(inputs.stream().map(in -> in[0]).toList());
                List<Object> outputs = new ArrayList<>(results.size());
                for (ZeroShotResult r : results) {
                    Object[] ranked = new Object[r.labels().size()];
                    for (int i = 0; i < ranked.length; i++) {
                        ranked[i] = SparkValues.struct(r.labels().get(i), r.scores().get(i));
                    }
                    outputs.add(ranked);
                }
                return outputs;
            };
        }
    }
}

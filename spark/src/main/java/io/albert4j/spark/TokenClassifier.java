package io.albert4j.spark;

import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.TokenClassificationOptions;
import io.albert4j.pipeline.TokenClassificationPipeline;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.List;

/**
 * Token classification (Hugging Face's "token-classification" / NER pipeline) for an
 * AlbertForTokenClassification checkpoint.
 *
 * <p>Output, as Hugging Face's JSON: with {@code aggregationStrategy} "none" (the default) one
 * struct per token, {@code array<struct<entity: string, score: double, index: int, word: string,
 * start: int, end: int>>} ({@code word} is the SentencePiece token, e.g. {@code ▁zurich}); with
 * "simple", "first", "average" or "max", one struct per entity group,
 * {@code array<struct<entity_group: string, score: double, word: string, start: int, end: int>>}.
 * {@code start}/{@code end} are UTF-16 offsets into the text. {@code ignoreLabels} (["O"]) drops
 * entities with those labels. See {@link AlbertStage} for the common parameters.
 */
public final class TokenClassifier extends TextStage<TokenClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> aggregationStrategy;
    private final StringArrayParam ignoreLabels;

    public TokenClassifier() {
        this(Identifiable.randomUID("albertTokenClassifier"));
    }

    public TokenClassifier(String uid) {
        super(uid, "entities");
        aggregationStrategy = new Param<>(uid, "aggregationStrategy",
                "none, simple, first, average or max (aggregation_strategy)",
                ParamValidators.inArray(new String[] {"none", "simple", "first", "average", "max"}));
        ignoreLabels = new StringArrayParam(this, "ignoreLabels", "labels left out of the output (ignore_labels)");
        setDefault(aggregationStrategy, "none");
        setDefault(ignoreLabels, TokenClassificationOptions.DEFAULT_IGNORE_LABELS.toArray(String[]::new));
    }

    public static MLReader<TokenClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static TokenClassifier load(String path) {
        return read().load(path);
    }

    public Param<String> aggregationStrategy() {
        return aggregationStrategy;
    }

    public StringArrayParam ignoreLabels() {
        return ignoreLabels;
    }

    public String getAggregationStrategy() {
        return getOrDefault(aggregationStrategy);
    }

    public TokenClassifier setAggregationStrategy(String value) {
        return with(aggregationStrategy, value);
    }

    public String[] getIgnoreLabels() {
        return getOrDefault(ignoreLabels);
    }

    public TokenClassifier setIgnoreLabels(String... value) {
        return with(ignoreLabels, value);
    }

    private boolean grouped() {
        return !getAggregationStrategy().equals("none");
    }

    @Override
    protected DataType outputType() {
        if (grouped()) {
            return SparkValues.arrayOf(SparkValues.field("entity_group", DataTypes.StringType),
                    SparkValues.field("score", DataTypes.DoubleType), SparkValues.field("word", DataTypes.StringType),
                    SparkValues.field("start", DataTypes.IntegerType), SparkValues.field("end", DataTypes.IntegerType));
        }
        return SparkValues.arrayOf(SparkValues.field("entity", DataTypes.StringType),
                SparkValues.field("score", DataTypes.DoubleType), SparkValues.field("index", DataTypes.IntegerType),
                SparkValues.field("word", DataTypes.StringType), SparkValues.field("start", DataTypes.IntegerType),
                SparkValues.field("end", DataTypes.IntegerType));
    }

    @Override
    BatchTask task() {
        return new Task(Aggregation.parse(getAggregationStrategy()), listValue(ignoreLabels));
    }

    private record Task(Aggregation aggregation, List<String> ignoreLabels) implements BatchTask {
        @Override
        public int requiredInputs() {
            return 1;
        }

        @Override
        public Runner open(ModelCache.Loaded loaded) {
            TokenClassificationPipeline pipeline = new TokenClassificationPipeline(loaded.model(), loaded.tokenizer(),
                    new TokenClassificationOptions(aggregation, ignoreLabels));
            return inputs -> pipeline.run(inputs.stream().map(in -> in[0]).toList())
                    .stream().<Object>map(entities -> SparkValues.array(entities, this::row)).toList();
        }

        private Object row(Entity e) {
            return aggregation == Aggregation.NONE
                    ? SparkValues.struct(e.label(), e.score(), e.index(), e.word(), e.start(), e.end())
                    : SparkValues.struct(e.label(), e.score(), e.word(), e.start(), e.end());
        }
    }
}

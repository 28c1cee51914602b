package io.albert4j.spark;

import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.ScoreFunction;
import io.albert4j.pipeline.TextClassificationOptions;
import io.albert4j.pipeline.TextClassificationPipeline;
import io.albert4j.pipeline.TextPair;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.ArrayList;
import java.util.List;

/**
 * Text classification (Hugging Face's "text-classification" pipeline) for an
 * AlbertForSequenceClassification checkpoint: single texts from {@code inputCol}, or text pairs when
 * {@code pairCol} is set (a null pair classifies the text alone).
 *
 * <p>Output: {@code array<struct<label: string, score: double>>}, highest score first.
 * Options, with Hugging Face's names: {@code topK} (1; 0 for every label) and
 * {@code functionToApply} ("softmax", "sigmoid" or "none"; unset: Hugging Face's default for the
 * checkpoint's config). See {@link AlbertStage} for the common parameters.
 */
public final class TextClassifier extends TextStage<TextClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> pairCol;
    private final IntParam topK;
    private final Param<String> functionToApply;

    public TextClassifier() {
        this(Identifiable.randomUID("albertTextClassifier"));
    }

    public TextClassifier(String uid) {
        super(uid, "classification");
        pairCol = new Param<>(uid, "pairCol", "optional input column of second texts (text_pair)");
        topK = new IntParam(uid, "topK", "labels to return, highest first; 0 = all (top_k)", ParamValidators.gtEq(0));
        functionToApply = new Param<>(uid, "functionToApply",
                "how logits become scores: softmax, sigmoid or none; unset = the checkpoint's default",
                ParamValidators.inArray(new String[] {"softmax", "sigmoid", "none"}));
        setDefault(topK, 1);
    }

    public static MLReader<TextClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static TextClassifier load(String path) {
        return read().load(path);
    }

    public Param<String> pairCol() {
        return pairCol;
    }

    public IntParam topK() {
        return topK;
    }

    public Param<String> functionToApply() {
        return functionToApply;
    }

    public String getPairCol() {
        return isDefined(pairCol) ? getOrDefault(pairCol) : null;
    }

    public TextClassifier setPairCol(String value) {
        return with(pairCol, value);
    }

    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    public TextClassifier setTopK(int value) {
        return with(topK, value);
    }

    public String getFunctionToApply() {
        return isDefined(functionToApply) ? getOrDefault(functionToApply) : null;
    }

    public TextClassifier setFunctionToApply(String value) {
        return with(functionToApply, value);
    }

    @Override
    protected List<String> inputCols() {
        List<String> columns = new ArrayList<>(super.inputCols());
        if (getPairCol() != null) {
            columns.add(getPairCol());
        }
        return columns;
    }

    @Override
    protected DataType outputType() {
        return SparkValues.arrayOf(SparkValues.field("label", DataTypes.StringType),
                SparkValues.field("score", DataTypes.DoubleType));
    }

    @Override
    BatchTask task() {
        String function = getFunctionToApply();
        Task task = new Task(getTopK() == 0 ? TextClassificationOptions.ALL_LABELS : getTopK(),
                function == null ? null : ScoreFunction.parse(function), getPairCol() != null);
        task.options(); // refused here, on the driver, rather than in every executor
        return task;
    }

    /**
     * What the executors need, as serializable values: Spark ships the task in a closure, and the
     * options record holds an {@code Optional}, which is not serializable.
     *
     * @param function null: the checkpoint's default
     */
    private record Task(int topK, ScoreFunction function, boolean pairs) implements BatchTask {
        TextClassificationOptions options() {
            TextClassificationOptions options = TextClassificationOptions.defaults().withTopK(topK);
            return function == null ? options : options.withFunctionToApply(function);
        }

        @Override
        public int requiredInputs() {
            return 1;
        }

        @Override
        public Runner open(ModelCache.Loaded loaded) {
            TextClassificationPipeline pipeline = new TextClassificationPipeline(loaded.model(), loaded.tokenizer(),
                    options());
            return inputs -> {
                List<List<LabelScore>> results = pipeline.run(inputs.stream()
                        .map(in -> new TextPair(in[0], pairs ? in[1] : null)).toList());
                return results.stream().<Object>map(scores -> SparkValues.array(scores,
                        s -> SparkValues.struct(s.label(), s.score()))).toList();
            };
        }
    }
}

package io.albert4j.spark;

import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.QuestionAnsweringOptions;
import io.albert4j.pipeline.QuestionAnsweringPipeline;
import io.albert4j.pipeline.QuestionContext;
import org.apache.spark.ml.param.BooleanParam;
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
 * Extractive question answering (Hugging Face's "question-answering" pipeline) for an
 * AlbertForQuestionAnswering checkpoint: a question from {@code questionCol} ("question") in a
 * context from {@code contextCol} ("context"); a null in either gives a null output, an empty
 * question or context is refused (see {@code handleInvalid}).
 *
 * <p>Output: {@code array<struct<score: double, start: int, end: int, answer: string>>}, the best
 * {@code topK} answers, highest score first ({@code start}/{@code end} are character offsets into the
 * context). Options, with Hugging Face's names: {@code topK} (1), {@code maxAnswerLen} (15),
 * {@code maxSeqLen} (0 = min(384, the model's positions)), {@code docStride} (0 = min(maxSeqLen / 2,
 * 128)), {@code maxQuestionLen} (64), {@code handleImpossibleAnswer} (false). Each row is one call of
 * the pipeline (its windows over the context form the forward pass), so {@code batchSize} only sets
 * how many rows are sorted and handed over together.
 */
public final class QuestionAnswerer extends AlbertStage<QuestionAnswerer> {
    private static final long serialVersionUID = 1L;

    private final Param<String> questionCol;
    private final Param<String> contextCol;
    private final IntParam topK;
    private final IntParam maxAnswerLen;
    private final IntParam maxSeqLen;
    private final IntParam docStride;
    private final IntParam maxQuestionLen;
    private final BooleanParam handleImpossibleAnswer;

    public QuestionAnswerer() {
        this(Identifiable.randomUID("albertQuestionAnswerer"));
    }

    public QuestionAnswerer(String uid) {
        super(uid, "answers");
        questionCol = new Param<>(uid, "questionCol", "input column of questions (string)");
        contextCol = new Param<>(uid, "contextCol", "input column of contexts (string)");
        topK = new IntParam(uid, "topK", "answers to return (top_k)", ParamValidators.gtEq(1));
        maxAnswerLen = new IntParam(uid, "maxAnswerLen", "longest answer in tokens (max_answer_len)",
                ParamValidators.gtEq(1));
        maxSeqLen = new IntParam(uid, "maxSeqLen", "window length in tokens; 0 = min(384, the model's positions)"
                + " (max_seq_len)", ParamValidators.gtEq(0));
        docStride = new IntParam(uid, "docStride", "window step in tokens; 0 = min(maxSeqLen / 2, 128) (doc_stride)",
                ParamValidators.gtEq(0));
        maxQuestionLen = new IntParam(uid, "maxQuestionLen", "question tokens kept (max_question_len)",
                ParamValidators.gtEq(1));
        handleImpossibleAnswer = new BooleanParam(uid, "handleImpossibleAnswer",
                "also score the empty answer (handle_impossible_answer)");
        QuestionAnsweringOptions defaults = QuestionAnsweringOptions.defaults();
        setDefault(questionCol, "question");
        setDefault(contextCol, "context");
        setDefault(topK, defaults.topK());
        setDefault(maxAnswerLen, defaults.maxAnswerLen());
        setDefault(maxSeqLen, defaults.maxSeqLen());
        setDefault(docStride, defaults.docStride());
        setDefault(maxQuestionLen, defaults.maxQuestionLen());
        setDefault(handleImpossibleAnswer, defaults.handleImpossibleAnswer());
    }

    public static MLReader<QuestionAnswerer> read() {
        return new DefaultParamsReader<>();
    }

    public static QuestionAnswerer load(String path) {
        return read().load(path);
    }

    public Param<String> questionCol() {
        return questionCol;
    }

    public Param<String> contextCol() {
        return contextCol;
    }

    public IntParam topK() {
        return topK;
    }

    public IntParam maxAnswerLen() {
        return maxAnswerLen;
    }

    public IntParam maxSeqLen() {
        return maxSeqLen;
    }

    public IntParam docStride() {
        return docStride;
    }

    public IntParam maxQuestionLen() {
        return maxQuestionLen;
    }

    public BooleanParam handleImpossibleAnswer() {
        return handleImpossibleAnswer;
    }

    public String getQuestionCol() {
        return getOrDefault(questionCol);
    }

    public QuestionAnswerer setQuestionCol(String value) {
        return with(questionCol, value);
    }

    public String getContextCol() {
        return getOrDefault(contextCol);
    }

    public QuestionAnswerer setContextCol(String value) {
        return with(contextCol, value);
    }

    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    public QuestionAnswerer setTopK(int value) {
        return with(topK, value);
    }

    public int getMaxAnswerLen() {
        return (Integer) getOrDefault(maxAnswerLen);
    }

    public QuestionAnswerer setMaxAnswerLen(int value) {
        return with(maxAnswerLen, value);
    }

    public int getMaxSeqLen() {
        return (Integer) getOrDefault(maxSeqLen);
    }

    public QuestionAnswerer setMaxSeqLen(int value) {
        return with(maxSeqLen, value);
    }

    public int getDocStride() {
        return (Integer) getOrDefault(docStride);
    }

    public QuestionAnswerer setDocStride(int value) {
        return with(docStride, value);
    }

    public int getMaxQuestionLen() {
        return (Integer) getOrDefault(maxQuestionLen);
    }

    public QuestionAnswerer setMaxQuestionLen(int value) {
        return with(maxQuestionLen, value);
    }

    public boolean getHandleImpossibleAnswer() {
        return booleanValue(handleImpossibleAnswer);
    }

    public QuestionAnswerer setHandleImpossibleAnswer(boolean value) {
        return with(handleImpossibleAnswer, value);
    }

    @Override
    protected List<String> inputCols() {
        return List.of(getQuestionCol(), getContextCol());
    }

    @Override
    protected DataType outputType() {
        return SparkValues.arrayOf(SparkValues.field("score", DataTypes.DoubleType),
                SparkValues.field("start", DataTypes.IntegerType), SparkValues.field("end", DataTypes.IntegerType),
                SparkValues.field("answer", DataTypes.StringType));
    }

    @Override
    BatchTask task() {
        Task task = new Task(getTopK(), getMaxAnswerLen(), getMaxSeqLen(), getDocStride(), getMaxQuestionLen(),
                getHandleImpossibleAnswer());
        task.options(); // validates them on the driver
        return task;
    }

    /** The options as plain fields (the library's options record is not serializable). */
    private record Task(int topK, int maxAnswerLen, int maxSeqLen, int docStride, int maxQuestionLen,
                        boolean handleImpossibleAnswer) implements BatchTask {
        QuestionAnsweringOptions options() {
            return new QuestionAnsweringOptions(topK, maxAnswerLen, maxSeqLen, docStride, maxQuestionLen,
                    handleImpossibleAnswer);
        }

        @Override
        public int requiredInputs() {
            return 2;
        }

        @Override
        public Runner open(ModelCache.Loaded loaded) {
            QuestionAnsweringPipeline pipeline = new QuestionAnsweringPipeline(loaded.model(), loaded.tokenizer(),
                    options());
            return inputs -> {
                List<Object> outputs = new ArrayList<>(inputs.size());
                for (List<Answer> answers : pipeline.run(inputs.stream()
                        .map(in -> new QuestionContext(in[0], in[1])).toList())) {
                    outputs.add(SparkValues.array(answers,
                            a -> SparkValues.struct(a.score(), a.start(), a.end(), a.answer())));
                }
                return outputs;
            };
        }
    }
}

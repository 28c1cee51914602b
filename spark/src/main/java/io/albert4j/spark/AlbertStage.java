package io.albert4j.spark;

import io.albert4j.tokenizer.TokenizerMode;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What every albert4j Spark stage shares: the {@code model} location, the output column, batching
 * and threading parameters, {@code handleInvalid}, schema validation, and the executor-side loop
 * ({@link PartitionInference}) that feeds rows in batches to a model loaded once per executor JVM
 * ({@link ModelCache}).
 *
 * <p>Parameters (Spark ML {@code Params}; each has a getter and a setter):
 * <ul>
 *   <li>{@code model}: the checkpoint directory (Hugging Face layout). A plain path must exist on
 *       every executor and is loaded in place; a URI ({@code hdfs://}, {@code s3a://}, {@code file://},
 *       any Hadoop FileSystem) is copied once per executor to a local temporary directory; any other
 *       text is a Hugging Face Hub id ({@code org/name}, optionally {@code @revision}) resolved
 *       through each executor's Hugging Face cache.</li>
 *   <li>{@code outputCol}: the column added (it must not exist yet).</li>
 *   <li>{@code batchSize} (32): rows per forward pass.</li>
 *   <li>{@code lengthSortWindow} (1024): rows read ahead and sorted by length before batching, so
 *       that a batch holds texts of similar length (less padding); output order is the input order.</li>
 *   <li>{@code tokenizerMode} ("fast"): the library's tokenizer mode; "slow" reproduces
 *       transformers 4's SentencePiece tokenizer.</li>
 *   <li>{@code threads} (0): threads of one forward pass; 0 means {@code spark.task.cpus}.</li>
 *   <li>{@code handleInvalid} ("error"): a row whose input the task refuses (e.g. fill-mask without
 *       {@code [MASK]}, an empty question) fails the job ("error"), gets a null output ("keep") or is
 *       dropped ("skip"). A null input always gives a null output.</li>
 * </ul>
 *
 * <p>A stage is a Spark ML {@code Transformer}: instances are configured on the driver and are not
 * meant to be mutated while a job runs; the executor side is thread-safe.
 *
 * @param <S> the concrete stage, so that setters chain
 */
public abstract class AlbertStage<S extends AlbertStage<S>> extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> model;
    private final Param<String> outputCol;
    private final IntParam batchSize;
    private final IntParam lengthSortWindow;
    private final IntParam threads;
    private final Param<String> handleInvalid;
    private final Param<String> tokenizerMode;

    protected AlbertStage(String uid, String defaultOutputCol) {
        this.uid = uid;
        model = new Param<>(uid, "model", "checkpoint: a directory every executor can read, a Hadoop FileSystem"
                + " URI (hdfs://, s3a://, file://) copied once to each executor, or a Hugging Face Hub id"
                + " (org/name[@revision]) resolved through each executor's Hugging Face cache");
        outputCol = new Param<>(uid, "outputCol", "output column name");
        batchSize = new IntParam(uid, "batchSize", "rows per forward pass (>= 1)", ParamValidators.gtEq(1));
        lengthSortWindow = new IntParam(uid, "lengthSortWindow",
                "rows read ahead and sorted by length before batching (>= 1; 1 keeps input order)",
                ParamValidators.gtEq(1));
        threads = new IntParam(uid, "threads", "threads of one forward pass; 0 = spark.task.cpus",
                ParamValidators.gtEq(0));
        handleInvalid = new Param<>(uid, "handleInvalid",
                "rows the task refuses: error (fail), keep (null output) or skip (drop the row)",
                ParamValidators.inArray(new String[] {"error", "keep", "skip"}));
        tokenizerMode = new Param<>(uid, "tokenizerMode",
                "fast (tokenizer.json, or spiece.model converted; transformers' default) or slow (transformers 4's"
                + " SentencePiece AlbertTokenizer, needs spiece.model)",
                ParamValidators.inArray(new String[] {"fast", "slow"}));
        setDefault(outputCol, defaultOutputCol);
        setDefault(tokenizerMode, "fast");
        setDefault(batchSize, 32);
        setDefault(lengthSortWindow, 1024);
        setDefault(threads, 0);
        setDefault(handleInvalid, "error");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> model() {
        return model;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam lengthSortWindow() {
        return lengthSortWindow;
    }

    public IntParam threads() {
        return threads;
    }

    public Param<String> handleInvalid() {
        return handleInvalid;
    }

    public Param<String> tokenizerMode() {
        return tokenizerMode;
    }

    public String getTokenizerMode() {
        return getOrDefault(tokenizerMode);
    }

    public S setTokenizerMode(String value) {
        return with(tokenizerMode, value);
    }

    public String getModel() {
        return getOrDefault(model);
    }

    public S setModel(String value) {
        return with(model, value);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public S setOutputCol(String value) {
        return with(outputCol, value);
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public S setBatchSize(int value) {
        return with(batchSize, value);
    }

    public int getLengthSortWindow() {
        return (Integer) getOrDefault(lengthSortWindow);
    }

    public S setLengthSortWindow(int value) {
        return with(lengthSortWindow, value);
    }

    public int getThreads() {
        return (Integer) getOrDefault(threads);
    }

    public S setThreads(int value) {
        return with(threads, value);
    }

    public String getHandleInvalid() {
        return getOrDefault(handleInvalid);
    }

    public S setHandleInvalid(String value) {
        return with(handleInvalid, value);
    }

    /** The input columns, in the order the task reads them. */
    protected abstract List<String> inputCols();

    /** The type of the output column, for the current parameters. */
    protected abstract DataType outputType();

    /** The executor-side computation, holding the current task options. */
    abstract BatchTask task();

    /**
     * The input schema plus the output column. Fails with a message naming the column when an input
     * column is missing or not a string, or when the output column exists; fails when {@code model}
     * is not set.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(model)) {
            throw new IllegalArgumentException(name() + ": the model parameter is not set (setModel: a checkpoint"
                    + " directory or a Hadoop FileSystem URI)");
        }
        List<String> present = Arrays.asList(schema.fieldNames());
        for (String column : inputCols()) {
            if (!present.contains(column)) {
                throw new IllegalArgumentException(name() + ": input column \"" + column + "\" not found; the dataset has "
                        + present);
            }
            DataType type = schema.apply(column).dataType();
            if (!type.equals(DataTypes.StringType)) {
                throw new IllegalArgumentException(name() + ": input column \"" + column + "\" must be of type string,"
                        + " found " + type.simpleString());
            }
        }
        if (present.contains(getOutputCol())) {
            throw new IllegalArgumentException(name() + ": output column \"" + getOutputCol() + "\" already exists");
        }
        return schema.add(new StructField(getOutputCol(), outputType(), true, org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType output = transformSchema(dataset.schema());
        List<String> columns = inputCols();
        int[] indices = columns.stream().mapToInt(c -> dataset.schema().fieldIndex(c)).toArray();
        // The driver's Hadoop configuration (credentials, file system settings) goes with the tasks
        // only when the executors read the model through a Hadoop FileSystem.
        SerializableConfiguration hadoopConf = ModelSource.isRemote(getModel())
                ? new SerializableConfiguration(dataset.sparkSession().sparkContext().hadoopConfiguration()) : null;
        PartitionInference inference = new PartitionInference(name(), getModel(),
                TokenizerMode.valueOf(getTokenizerMode().toUpperCase(Locale.ROOT)), hadoopConf,
                indices, columns.toArray(String[]::new), getBatchSize(), getLengthSortWindow(), getThreads(),
                PartitionInference.InvalidInput.valueOf(getHandleInvalid().toUpperCase(Locale.ROOT)), task());
        return dataset.toDF().mapPartitions(inference, Encoders.row(output));
    }

    @Override
    public S copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** The stage's class name and uid, for messages. */
    String name() {
        return getClass().getSimpleName() + " " + uid;
    }

    /** Sets a parameter and returns this stage, typed for chaining. */
    @SuppressWarnings("unchecked")
    protected final <T> S with(Param<T> param, T value) {
        set(param, value);
        return (S) this;
    }

    /** A string-array parameter's value as a list. */
    protected final List<String> listValue(StringArrayParam param) {
        return List.of(getOrDefault(param));
    }

    /** A boolean parameter's value. */
    protected final boolean booleanValue(BooleanParam param) {
        return (Boolean) getOrDefault(param);
    }
}

import io.albert4j.model.AlbertModel;
import io.albert4j.model.Parallelism;
import io.albert4j.pipeline.TextClassificationPipeline;
import io.albert4j.pipeline.TextPair;
import io.albert4j.spark.TextClassifier;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Classification throughput of the TextClassifier stage in local[C] mode against the plain Java
 * pipeline doing the same work on the same C cores in the same JVM: C threads, each classifying its
 * share of the rows in length-sorted windows of 1024 and batches of 32 with one kernel thread (what
 * each Spark task does). The two alternate, repetition by repetition, after one warm-up run each;
 * the model is loaded before timing on both sides.
 *
 * <p>Usage (see bench.sh): java -cp CLASSPATH SparkBench.java MODEL_DIR CORPUS_FILE ROWS REPS CORES...
 * Prints one line per measurement and a summary line per core count.
 */
public class SparkBench {
    private static final int BATCH = 32;
    private static final int WINDOW = 1024;

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        List<String> sentences = sentences(Path.of(args[1]), Integer.parseInt(args[2]));
        int reps = Integer.parseInt(args[3]);
        int[] cores = Arrays.stream(args, 4, args.length).mapToInt(Integer::parseInt).toArray();
        System.out.printf("rows %d, mean length %.1f chars, repetitions %d%n", sentences.size(),
                sentences.stream().mapToInt(String::length).average().orElse(0), reps);

        try (AlbertModel albert = AlbertModel.load(model); AlbertTokenizer tokenizer = AlbertTokenizer.load(model)) {
            TextClassificationPipeline pipeline = new TextClassificationPipeline(albert, tokenizer);
            for (int c : cores) {
                SparkSession spark = SparkSession.builder().master("local[" + c + "]").appName("SparkBench")
                        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
                spark.sparkContext().setLogLevel("WARN");
                Dataset<Row> frame = frame(spark, sentences, c).cache();
                frame.count();
                TextClassifier stage = new TextClassifier().setModel(model.toString()).setBatchSize(BATCH)
                        .setLengthSortWindow(WINDOW);
                double[] plain = new double[reps];
                double[] onSpark = new double[reps];
                plainRun(pipeline, sentences, c);
                sparkRun(stage, frame);
                for (int r = 0; r < reps; r++) {
                    plain[r] = sentences.size() / plainRun(pipeline, sentences, c);
                    onSpark[r] = sentences.size() / sparkRun(stage, frame);
                    System.out.printf("cores %d rep %d: plain %.2f rows/s, spark %.2f rows/s%n", c, r + 1, plain[r],
                            onSpark[r]);
                }
                double p = median(plain);
                double s = median(onSpark);
                System.out.printf("RESULT cores=%d plain_rows_s=%.2f spark_rows_s=%.2f plain_per_core=%.2f"
                                + " spark_per_core=%.2f spark_over_plain=%.3f plain_runs=%s spark_runs=%s%n",
                        c, p, s, p / c, s / c, s / p, runs(plain), runs(onSpark));
                frame.unpersist();
                spark.stop();
            }
        }
    }

    /** Seconds for the plain pipeline on {@code cores} threads, one kernel thread each. */
    private static double plainRun(TextClassificationPipeline pipeline, List<String> sentences, int cores)
            throws Exception {
        Parallelism.setThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        ExecutorService pool = Executors.newFixedThreadPool(cores);
        long start = System.nanoTime();
        List<Future<Integer>> parts = new ArrayList<>();
        for (int t = 0; t < cores; t++) {
            List<String> part = sentences.subList(sentences.size() * t / cores, sentences.size() * (t + 1) / cores);
            parts.add(pool.submit(() -> classifyPart(pipeline, part)));
        }
        int done = 0;
        for (Future<Integer> f : parts) {
            done += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        if (done != sentences.size()) {
            throw new IllegalStateException("classified " + done + " of " + sentences.size());
        }
        return seconds;
    }

    private static int classifyPart(TextClassificationPipeline pipeline, List<String> part) {
        int done = 0;
        for (int from = 0; from < part.size(); from += WINDOW) {
            List<String> window = new ArrayList<>(part.subList(from, Math.min(part.size(), from + WINDOW)));
            window.sort(Comparator.comparingInt(String::length));
            for (int b = 0; b < window.size(); b += BATCH) {
                done += pipeline.run(window.subList(b, Math.min(window.size(), b + BATCH)).stream()
                        .map(TextPair::of).toList()).size();
            }
        }
        return done;
    }

    /** Seconds for the stage over the cached frame, written to Spark's no-op sink. */
    private static double sparkRun(TextClassifier stage, Dataset<Row> frame) {
        long start = System.nanoTime();
        stage.transform(frame).write().format("noop").mode("overwrite").save();
        return (System.nanoTime() - start) / 1e9;
    }

    private static Dataset<Row> frame(SparkSession spark, List<String> sentences, int partitions) {
        List<Row> rows = sentences.stream().map(s -> RowFactory.create(s)).toList();
        return spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("text", DataTypes.StringType, false)))).repartition(partitions);
    }

    /** The corpus split into sentences of 4 to 60 words, the first {@code count}. */
    private static List<String> sentences(Path corpus, int count) throws Exception {
        String text = Files.readString(corpus).replaceAll("\\s+", " ");
        List<String> out = new ArrayList<>();
        for (String s : text.split("(?<=[.!?])\\s+")) {
            int words = s.trim().split(" ").length;
            if (words >= 4 && words <= 60) {
                out.add(s.trim());
                if (out.size() == count) {
                    return out;
                }
            }
        }
        throw new IllegalArgumentException(corpus + " has only " + out.size() + " sentences of 4 to 60 words");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String runs(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : ",").append(String.format("%.2f", v));
        }
        return s.toString();
    }
}

package io.albert4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.model.Parallelism;
import io.albert4j.pipeline.FeatureExtractionOptions;
import io.albert4j.pipeline.FeatureExtractionPipeline;
import io.albert4j.pipeline.Pooling;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Truncation;
import io.albert4j.wire.JsonResults;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code bench --model DIR|ID --batch B --seq-len S [--threads T] [--warmup N] [--iterations N]}: times
 * the encoder forward pass alone on random ids with a full attention mask, and prints one JSON
 * object {@code {"batch", "seq_len", "threads", "median_s", "p90_s", "seq_per_s", "tokens_per_s"}}
 * (plus {@code mean_s}, {@code min_s} and the process's peak RSS so far).
 *
 * <p>With {@code --text-file F}: the end-to-end mode on real text: the first {@code --lines} (2000)
 * non-blank lines of F are embedded by {@link FeatureExtractionPipeline#embed} (tokenize,
 * length-bucketed batches of {@code --batch-size} (32), forward, mean pooling, results in input
 * order); one iteration is the whole set, after {@code --warmup} (1) passes over the first
 * {@code --warmup-lines} (128) lines. {@code --dump-ids FILE} writes the token ids of every line
 * (one line each, space separated) so that a baseline can run the very same tokens.
 */
@Command(name = "bench", description = {
        "Times the encoder forward pass on random ids (--batch, --seq-len), or with --text-file the end-to-end "
                + "embedding of real text; prints one JSON object of timings."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Option(names = "--batch", paramLabel = "B", description = "sequences per forward pass (default: 1)")
    int batch = 1;

    @Option(names = "--seq-len", paramLabel = "S", description = "tokens per sequence (default: 128)")
    int seqLen = 128;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the random ids (default: 42)")
    int seed = 42;

    @Option(names = "--threads", paramLabel = "T", description = "compute threads (default: the processors)")
    Integer threads;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed runs first (default: 3; 1 with --text-file)")
    Integer warmup;

    @Option(names = "--iterations", paramLabel = "N", description = "timed runs (default: 10; 1 with --text-file)")
    Integer iterations;

    @Option(names = "--text-file", paramLabel = "F", description = "embed the non-blank lines of F instead")
    Path textFile;

    @Option(names = "--lines", paramLabel = "N", description = "with --text-file: lines to embed (default: 2000)")
    int lines = 2000;

    @Option(names = "--batch-size", paramLabel = "N", description = "with --text-file: sentences per batch "
            + "(default: " + FeatureExtractionPipeline.DEFAULT_BATCH_SIZE + ")")
    int batchSize = FeatureExtractionPipeline.DEFAULT_BATCH_SIZE;

    @Option(names = "--warmup-lines", paramLabel = "N", description = "with --text-file: lines of each warm-up pass "
            + "(default: 128)")
    int warmupLines = 128;

    @Option(names = "--dump-ids", paramLabel = "FILE", description = "with --text-file: write each line's token ids "
            + "to FILE, one line each, so that a baseline can run the very same tokens")
    Path dumpIds;

    @Override
    public Integer call() throws Exception {
        int threadCount = threads != null ? threads : Parallelism.threads();
        if (threadCount < 1) {
            throw new CliException("--threads must be positive, found " + threadCount);
        }
        Parallelism.setThreads(threadCount);
        Nd4j.factory().blas().setMaxThreads(threadCount);
        Path dir = LoadedModel.resolve(model.model, root.console());
        ObjectNode json = textFile == null ? forwardOnly(dir, threadCount) : endToEnd(dir, threadCount);
        json.put("peak_rss_mb", peakRssMb());
        root.console().out().println(JsonResults.JSON.writeValueAsString(json));
        return 0;
    }

    private ObjectNode forwardOnly(Path dir, int threadCount) {
        positive("--batch", batch);
        positive("--seq-len", seqLen);
        int runs = positive("--iterations", iterations != null ? iterations : 10);
        try (AlbertModel albert = AlbertModel.load(dir, Architecture.ALBERT_MODEL)) {
            if (seqLen > albert.config().maxPositionEmbeddings()) {
                throw new CliException("--seq-len " + seqLen + " exceeds max_position_embeddings "
                        + albert.config().maxPositionEmbeddings());
            }
            Random random = new Random(seed);
            int vocab = albert.config().vocabSize();
            int[][] ids = new int[batch][seqLen];
            for (int[] row : ids) {
                for (int s = 0; s < seqLen; s++) {
                    row[s] = 5 + random.nextInt(vocab - 5);
                }
            }
            AlbertInput input = AlbertInput.of(ids);
            double[] times = time(warmup != null ? warmup : 3, runs, () -> albert.forward(input).lastHiddenState());
            ObjectNode json = summary(times, threadCount);
            json.put("batch", batch);
            json.put("seq_len", seqLen);
            json.put("seq_per_s", batch / median(times));
            json.put("tokens_per_s", (double) batch * seqLen / median(times));
            return reorder(json, "batch", "seq_len", "threads", "median_s", "p90_s", "seq_per_s", "tokens_per_s");
        }
    }

    private ObjectNode endToEnd(Path dir, int threadCount) throws IOException {
        positive("--lines", lines);
        positive("--batch-size", batchSize);
        positive("--warmup-lines", warmupLines);
        int runs = positive("--iterations", iterations != null ? iterations : 1);
        int warmups = warmup != null ? warmup : 1;
        List<String> texts;
        try (var stream = Files.lines(textFile, StandardCharsets.UTF_8)) {
            texts = stream.filter(l -> !l.isBlank()).limit(lines).toList();
        }
        try (AlbertModel albert = AlbertModel.load(dir, Architecture.ALBERT_MODEL);
             AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            FeatureExtractionPipeline pipeline = new FeatureExtractionPipeline(albert, tokenizer,
                    FeatureExtractionOptions.defaults().withPooling(Pooling.MEAN));
            long tokens = 0;
            EncodeOptions options = EncodeOptions.defaults().withMaxLength(albert.config().maxPositionEmbeddings())
                    .withTruncation(Truncation.LONGEST_FIRST);
            List<int[]> allIds = new ArrayList<>();
            for (String t : texts) {
                Encoding e = tokenizer.encode(t, null, options);
                tokens += e.length();
                allIds.add(e.inputIds());
            }
            if (dumpIds != null) {
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dumpIds, StandardCharsets.UTF_8))) {
                    for (int[] ids : allIds) {
                        w.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
                    }
                }
            }
            List<String> warmupTexts = texts.subList(0, Math.min(warmupLines, texts.size()));
            for (int i = 0; i < warmups; i++) {
                pipeline.embed(warmupTexts, batchSize);
            }
            double[] times = time(0, runs, () -> pipeline.embed(texts, batchSize));
            ObjectNode json = summary(times, threadCount);
            json.put("mode", "text");
            json.put("sentences", texts.size());
            json.put("tokens", tokens);
            json.put("batch_size", batchSize);
            json.put("sentences_per_s", texts.size() / median(times));
            json.put("tokens_per_s", tokens / median(times));
            return json;
        }
    }

    private static double[] time(int warmup, int iterations, Runnable body) {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        double[] times = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            body.run();
            times[i] = (System.nanoTime() - start) / 1e9;
        }
        return times;
    }

    private static ObjectNode summary(double[] times, int threads) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        ObjectNode json = JsonResults.JSON.createObjectNode();
        json.put("threads", threads);
        json.put("median_s", median(times));
        json.put("p90_s", sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)]);
        json.put("mean_s", Arrays.stream(times).average().orElse(0));
        json.put("min_s", sorted[0]);
        json.put("iterations", times.length);
        return json;
    }

    private static double median(double[] times) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static ObjectNode reorder(ObjectNode json, String... first) {
        ObjectNode out = JsonResults.JSON.createObjectNode();
        for (String k : first) {
            out.set(k, json.get(k));
        }
        json.fields().forEachRemaining(e -> {
            if (!out.has(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new CliException(option + " must be positive, found " + value);
        }
        return value;
    }

    /** VmHWM of /proc/self/status in MiB, or -1 where there is none. */
    private static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

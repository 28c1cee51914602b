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

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
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
final class BenchCommand implements Command {
    public String name() {
        return "bench";
    }

    public String usage() {
        return "--model DIR|ID (--batch B --seq-len S | --text-file F [--lines N] [--batch-size N] [--warmup-lines N] [--dump-ids FILE])"
                + " [--threads T] [--warmup N] [--iterations N]";
    }

    public Set<String> valueOptions() {
        return Set.of("--model", "--batch", "--seq-len", "--threads", "--warmup", "--iterations",
                "--text-file", "--lines", "--batch-size", "--dump-ids", "--seed", "--warmup-lines");
    }

    public int run(CliArgs args, Console console) throws Exception {
        int threads = args.intValue("--threads", Parallelism.threads());
        if (threads < 1) {
            throw new CliException("bench: --threads must be positive");
        }
        Parallelism.setThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        Path dir = LoadedModel.resolve(args.value("--model"), console);
        String textFile = args.value("--text-file");
        ObjectNode json = textFile == null ? forwardOnly(args, dir, threads) : endToEnd(args, dir, threads, Path.of(textFile));
        json.put("peak_rss_mb", peakRssMb());
        console.out().println(JsonResults.JSON.writeValueAsString(json));
        return 0;
    }

    private static ObjectNode forwardOnly(CliArgs args, Path dir, int threads) {
        int batch = positive(args, "--batch", 1);
        int seq = positive(args, "--seq-len", 128);
        int warmup = args.intValue("--warmup", 3);
        int iterations = positive(args, "--iterations", 10);
        try (AlbertModel model = AlbertModel.load(dir, Architecture.ALBERT_MODEL)) {
            if (seq > model.config().maxPositionEmbeddings()) {
                throw new CliException("bench: --seq-len exceeds max_position_embeddings "
                        + model.config().maxPositionEmbeddings());
            }
            Random random = new Random(args.intValue("--seed", 42));
            int vocab = model.config().vocabSize();
            int[][] ids = new int[batch][seq];
            for (int[] row : ids) {
                for (int s = 0; s < seq; s++) {
                    row[s] = 5 + random.nextInt(vocab - 5);
                }
            }
            AlbertInput input = AlbertInput.of(ids);
            double[] times = time(warmup, iterations, () -> model.forward(input).lastHiddenState());
            ObjectNode json = summary(times, threads);
            json.put("batch", batch);
            json.put("seq_len", seq);
            json.put("seq_per_s", batch / median(times));
            json.put("tokens_per_s", (double) batch * seq / median(times));
            return reorder(json, "batch", "seq_len", "threads", "median_s", "p90_s", "seq_per_s", "tokens_per_s");
        }
    }

    private static ObjectNode endToEnd(CliArgs args, Path dir, int threads, Path file) throws IOException {
        int lines = positive(args, "--lines", 2000);
        int batchSize = positive(args, "--batch-size", FeatureExtractionPipeline.DEFAULT_BATCH_SIZE);
        int warmup = args.intValue("--warmup", 1);
        int warmupLines = positive(args, "--warmup-lines", 128);
        int iterations = positive(args, "--iterations", 1);
        List<String> texts;
        try (var stream = Files.lines(file, StandardCharsets.UTF_8)) {
            texts = stream.filter(l -> !l.isBlank()).limit(lines).toList();
        }
        try (AlbertModel model = AlbertModel.load(dir, Architecture.ALBERT_MODEL);
             AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            FeatureExtractionPipeline pipeline = new FeatureExtractionPipeline(model, tokenizer,
                    FeatureExtractionOptions.defaults().withPooling(Pooling.MEAN));
            String dump = args.value("--dump-ids");
            long tokens = 0;
            EncodeOptions options = EncodeOptions.defaults().withMaxLength(model.config().maxPositionEmbeddings())
                    .withTruncation(Truncation.LONGEST_FIRST);
            List<int[]> allIds = new ArrayList<>();
            for (String t : texts) {
                Encoding e = tokenizer.encode(t, null, options);
                tokens += e.length();
                allIds.add(e.inputIds());
            }
            if (dump != null) {
                try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(dump), StandardCharsets.UTF_8))) {
                    for (int[] ids : allIds) {
                        w.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
                    }
                }
            }
            List<String> warmupTexts = texts.subList(0, Math.min(warmupLines, texts.size()));
            for (int i = 0; i < warmup; i++) {
                pipeline.embed(warmupTexts, batchSize);
            }
            double[] times = time(0, iterations, () -> pipeline.embed(texts, batchSize));
            ObjectNode json = summary(times, threads);
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

    private static int positive(CliArgs args, String name, int fallback) {
        int v = args.intValue(name, fallback);
        if (v < 1) {
            throw new CliException("bench: " + name + " must be positive, found " + v);
        }
        return v;
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

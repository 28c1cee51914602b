package io.albert4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.Encoding;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures {@link Precision#INT8} and {@link Precision#BF16} against {@link Precision#FP32} (the
 * numbers of docs/precision.md; scripts/precision.sh runs it):
 * <ol>
 * <li>every golden checkpoint on its golden inputs: the largest |logit − fp32 logit| (prediction
 *     logits, task logits, start/end logits, or the last hidden state for the bare encoder) and the
 *     share of real-token argmaxes that agree with fp32;</li>
 * <li>albert-base-random on corpus sentences (batches of 8, up to 128 tokens): masked-LM argmax and
 *     top-5 agreement at one [MASK] per sentence, and sequence classification through a seeded
 *     pooler + 3-label classifier (weights N(0, 1/hidden)) on the [CLS] state;</li>
 * <li>speed at 8×128 on corpus sentences: fp32, int8 and bf16 forward passes interleaved, medians.</li>
 * </ol>
 * {@code PrecisionReport FIXTURES CORPUS SENTENCES REPS}; SENTENCES 0 measures speed only, REPS 0 accuracy only.
 */
public final class PrecisionReport {
    private static final Precision[] REDUCED = {Precision.INT8, Precision.BF16};
    private static final int MASK_ID = 4;
    /** The golden checkpoints of ../shared/fixtures (its README's table). */
    private static final List<String> CHECKPOINTS = List.of("albert-tiny-pretraining", "albert-tiny-maskedlm",
            "albert-tiny-seqcls", "albert-tiny-qa", "albert-tiny-tokcls", "albert-tiny-multichoice", "albert-tiny-groups",
            "albert-base-random");

    public static void main(String[] args) throws IOException {
        Path fixtures = Path.of(args[0]);
        Path corpus = Path.of(args[1]);
        int sentences = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        System.out.printf("machine: %s, %d cores, load average %.2f; OMP_NUM_THREADS=%s OPENBLAS_CORETYPE=%s; oneDNN ISA: %s%n",
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), load(),
                System.getenv("OMP_NUM_THREADS"), System.getenv("OPENBLAS_CORETYPE"), Dnnl.cpuIsa());
        Path base = fixtures.resolve("models/albert-base-random");
        if (sentences > 0) {
            goldenCheckpoints(fixtures);
            corpusAgreement(base, corpusBatches(base, corpus, sentences));
        }
        if (reps > 0) {
            speed(base, corpusBatches(base, corpus, 8).get(0), reps);
        }
    }

    private static void goldenCheckpoints(Path fixtures) throws IOException {
        System.out.println("\n| checkpoint | compared output | INT8 max abs dev | INT8 argmax agreement | BF16 max abs dev | BF16 argmax agreement |");
        System.out.println("|---|---|---|---|---|---|");
        for (String name : CHECKPOINTS) {
            JsonNode golden = new ObjectMapper().readTree(fixtures.resolve("golden/" + name + ".json").toFile());
            Map<Precision, AlbertModel> models = loadAll(fixtures.resolve("models/" + name));
            try {
                Stats[] stats = {new Stats(), new Stats()};
                String what = null;
                for (JsonNode c : golden.get("cases")) {
                    AlbertInput input = inputOf(c);
                    AlbertOutput reference = models.get(Precision.FP32).forward(input);
                    what = compared(reference);
                    for (int p = 0; p < REDUCED.length; p++) {
                        stats[p].add(mainOutput(reference), mainOutput(models.get(REDUCED[p]).forward(input)), realTokens(input, reference));
                    }
                }
                System.out.printf("| %s | %s | %.2g | %s | %.2g | %s |%n", name, what, stats[0].maxDev, stats[0].agreement(),
                        stats[1].maxDev, stats[1].agreement());
            } finally {
                models.values().forEach(AlbertModel::close);
            }
        }
    }

    private static void corpusAgreement(Path base, List<AlbertInput> batches) {
        Map<Precision, AlbertModel> models = loadAll(base);
        try {
            int hidden = models.get(Precision.FP32).config().hiddenSize();
            SeededHead head = new SeededHead(hidden, 3, 42);
            Stats[] mlm = {new Stats(), new Stats()};
            int[] top5Overlap = new int[2];
            Stats[] cls = {new Stats(), new Stats()};
            int masked = 0;
            List<Double> gaps = new ArrayList<>(); // fp32 top-1 minus top-2 logit at each [MASK]
            for (AlbertInput batch : batches) {
                int[] maskAt = maskedPositions(batch);
                AlbertInput input = withMasks(batch, maskAt);
                AlbertOutput reference = models.get(Precision.FP32).forward(input);
                float[][] refMlm = maskedLogits(reference, maskAt);
                float[][] refCls = head.logits(reference.lastHiddenState());
                masked += maskAt.length;
                for (float[] logits : refMlm) {
                    int[] best = top(logits, 2);
                    gaps.add((double) logits[best[0]] - logits[best[1]]);
                }
                for (int p = 0; p < REDUCED.length; p++) {
                    AlbertOutput out = models.get(REDUCED[p]).forward(input);
                    float[][] got = maskedLogits(out, maskAt);
                    for (int r = 0; r < got.length; r++) {
                        mlm[p].add(refMlm[r], got[r]);
                        top5Overlap[p] += overlap(top(refMlm[r], 5), top(got[r], 5));
                    }
                    float[][] gotCls = head.logits(out.lastHiddenState());
                    for (int r = 0; r < gotCls.length; r++) {
                        cls[p].add(refCls[r], gotCls[r]);
                    }
                }
            }
            System.out.printf("%nalbert-base-random on %d corpus sentences (batches of 8, up to 128 tokens):%n", masked);
            System.out.println("| task | INT8 max abs logit dev | INT8 top-1 agreement | BF16 max abs logit dev | BF16 top-1 agreement |");
            System.out.println("|---|---|---|---|---|");
            System.out.printf("| masked-LM at one [MASK] per sentence | %.3g | %s (top-5 overlap %.1f %%) | %.3g | %s (top-5 overlap %.1f %%) |%n",
                    mlm[0].maxDev, mlm[0].agreement(), 100.0 * top5Overlap[0] / (5.0 * masked),
                    mlm[1].maxDev, mlm[1].agreement(), 100.0 * top5Overlap[1] / (5.0 * masked));
            System.out.printf("| sequence classification, seeded head (3 labels) | %.3g | %s | %.3g | %s |%n",
                    cls[0].maxDev, cls[0].agreement(), cls[1].maxDev, cls[1].agreement());
            gaps.sort(null);
            System.out.printf("%nfp32 masked-LM margin (top-1 minus top-2 logit) at the [MASK]s: median %.3f, 10th percentile %.3f, "
                    + "%.0f %% below 0.1%n", gaps.get(gaps.size() / 2), gaps.get(gaps.size() / 10),
                    100.0 * gaps.stream().filter(g -> g < 0.1).count() / gaps.size());
            for (int p = 0; p < REDUCED.length; p++) {
                System.out.printf("%s: masked-LM top-1 agreement where the fp32 margin exceeds %.2f (twice the largest deviation): %s%n",
                        REDUCED[p], 2 * mlm[p].maxDev, mlm[p].agreementAbove(2 * mlm[p].maxDev));
            }
        } finally {
            models.values().forEach(AlbertModel::close);
        }
    }

    private static void speed(Path base, AlbertInput batch, int reps) {
        Map<Precision, AlbertModel> models = loadAll(base);
        try {
            Map<Precision, long[]> times = new EnumMap<>(Precision.class);
            for (Precision p : Precision.values()) {
                models.get(p).forward(batch); // warm-up: JIT, workspaces, oneDNN primitives
                times.put(p, new long[reps]);
            }
            double loadBefore = load();
            for (int r = 0; r < reps; r++) {
                for (Precision p : Precision.values()) {
                    long t0 = System.nanoTime();
                    models.get(p).forward(batch);
                    times.get(p)[r] = System.nanoTime() - t0;
                }
            }
            double fp32 = median(times.get(Precision.FP32));
            System.out.printf("%nalbert-base-random, %d×%d forward, %d interleaved repetitions (load average %.2f before, %.2f after):%n",
                    batch.rows(), batch.seqLength(), reps, loadBefore, load());
            System.out.println("| precision | median | min–max | speed-up vs FP32 |");
            System.out.println("|---|---|---|---|");
            for (Precision p : Precision.values()) {
                long[] t = times.get(p);
                double m = median(t);
                System.out.printf("| %s | %.0f ms | %.0f–%.0f ms | %.2f× |%n", p, m / 1e6,
                        Arrays.stream(t).min().getAsLong() / 1e6, Arrays.stream(t).max().getAsLong() / 1e6, fp32 / m);
            }
        } finally {
            models.values().forEach(AlbertModel::close);
        }
    }

    private static Map<Precision, AlbertModel> loadAll(Path dir) {
        Map<Precision, AlbertModel> models = new EnumMap<>(Precision.class);
        for (Precision p : Precision.values()) {
            models.put(p, AlbertModel.load(dir, null, p));
        }
        return models;
    }

    private static AlbertInput inputOf(JsonNode c) {
        JsonNode in = c.has("inputs") ? c.get("inputs") : c;
        if (in.get("input_ids").get(0).get(0).isArray()) { // multiple choice: [batch, choices, seq]
            return AlbertInput.multipleChoice(ints3d(in.get("input_ids")), ints3d(in.get("token_type_ids")),
                    ints3d(in.get("attention_mask")));
        }
        int[][] ids = ints2d(in.get("input_ids"));
        if (!in.has("attention_mask")) {
            return AlbertInput.of(ids);
        }
        return AlbertInput.of(ids, ints2d(in.get("token_type_ids")), ints2d(in.get("attention_mask")));
    }

    private static int[][] ints2d(JsonNode node) {
        int[][] out = new int[node.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[node.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = node.get(i).get(j).asInt();
            }
        }
        return out;
    }

    private static int[][][] ints3d(JsonNode node) {
        int[][][] out = new int[node.size()][][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints2d(node.get(i));
        }
        return out;
    }

    private static String compared(AlbertOutput out) {
        if (out.hasPredictionLogits()) {
            return "prediction logits";
        }
        if (out.logits() != null) {
            return "logits";
        }
        return out.startLogits() != null ? "start/end logits" : "last hidden state";
    }

    /** The output compared, as rows of its last dimension (one row per token, or per sequence). */
    private static float[][] mainOutput(AlbertOutput out) {
        if (out.hasPredictionLogits()) {
            return rows(out.predictionLogits());
        }
        if (out.logits() != null) {
            return rows(out.logits());
        }
        if (out.startLogits() != null) {
            float[][] start = rows(out.startLogits());
            float[][] end = rows(out.endLogits());
            float[][] both = Arrays.copyOf(start, start.length + end.length);
            System.arraycopy(end, 0, both, start.length, end.length);
            return both;
        }
        return rows(out.lastHiddenState());
    }

    /** Which rows of {@link #mainOutput} are real tokens (per-token outputs) — all rows otherwise. */
    private static boolean[] realTokens(AlbertInput input, AlbertOutput out) {
        float[][] rows = mainOutput(out);
        int[][] mask = input.attentionMask();
        int tokens = mask.length * mask[0].length;
        boolean[] real = new boolean[rows.length];
        for (int i = 0; i < rows.length; i++) {
            real[i] = rows.length % tokens != 0 || mask[(i % tokens) / mask[0].length][i % mask[0].length] != 0;
        }
        return real;
    }

    private static float[][] rows(INDArray a) {
        long last = a.size(a.rank() - 1);
        float[] flat = a.dup('c').data().asFloat();
        float[][] out = new float[(int) (flat.length / last)][];
        for (int r = 0; r < out.length; r++) {
            out[r] = Arrays.copyOfRange(flat, (int) (r * last), (int) ((r + 1) * last));
        }
        return out;
    }

    private static List<AlbertInput> corpusBatches(Path base, Path corpus, int sentences) throws IOException {
        AlbertTokenizer tokenizer = AlbertTokenizer.load(base);
        List<String> lines = Files.readAllLines(corpus).stream().map(String::strip)
                .filter(l -> l.split(" ").length >= 8 && !l.startsWith("=")).limit(sentences).toList();
        List<AlbertInput> batches = new ArrayList<>();
        for (int first = 0; first + 8 <= lines.size(); first += 8) {
            int[][] ids = new int[8][];
            int seq = 0;
            for (int i = 0; i < 8; i++) {
                Encoding e = tokenizer.encode(lines.get(first + i));
                ids[i] = Arrays.copyOf(e.inputIds(), Math.min(128, e.inputIds().length));
                ids[i][ids[i].length - 1] = 3; // [SEP] after truncation
                seq = Math.max(seq, ids[i].length);
            }
            int[][] padded = new int[8][seq];
            int[][] types = new int[8][seq];
            int[][] mask = new int[8][seq];
            for (int i = 0; i < 8; i++) {
                System.arraycopy(ids[i], 0, padded[i], 0, ids[i].length);
                Arrays.fill(mask[i], 0, ids[i].length, 1);
            }
            batches.add(AlbertInput.of(padded, types, mask));
        }
        return batches;
    }

    /** The real token in the middle of each sequence (never [CLS] or [SEP]). */
    private static int[] maskedPositions(AlbertInput batch) {
        int[] at = new int[batch.rows()];
        for (int r = 0; r < at.length; r++) {
            int length = Arrays.stream(batch.attentionMask()[r]).sum();
            at[r] = Math.max(1, length / 2);
        }
        return at;
    }

    private static AlbertInput withMasks(AlbertInput batch, int[] at) {
        int[][] ids = batch.inputIds().clone();
        for (int r = 0; r < ids.length; r++) {
            ids[r] = ids[r].clone();
            ids[r][at[r]] = MASK_ID;
        }
        return AlbertInput.of(ids, batch.tokenTypeIds(), batch.attentionMask());
    }

    private static float[][] maskedLogits(AlbertOutput out, int[] at) {
        float[][] rows = new float[at.length][];
        for (int r = 0; r < at.length; r++) {
            rows[r] = out.predictionLogits(r, at[r]).dup('c').data().asFloat();
        }
        return rows;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] top(float[] v, int k) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Float.compare(v[b], v[a]));
        return Arrays.stream(idx, 0, k).mapToInt(Integer::intValue).toArray();
    }

    private static int overlap(int[] a, int[] b) {
        return (int) Arrays.stream(a).filter(x -> Arrays.stream(b).anyMatch(y -> y == x)).count();
    }

    private static double median(long[] t) {
        long[] s = t.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Max |difference| and argmax agreement over compared rows. */
    private static final class Stats {
        double maxDev;
        int agree;
        int total;

        final List<double[]> marginAndAgreement = new ArrayList<>();

        void add(float[] reference, float[] got) {
            for (int i = 0; i < reference.length; i++) {
                maxDev = Math.max(maxDev, Math.abs(reference[i] - got[i]));
            }
            boolean same = argmax(reference) == argmax(got);
            agree += same ? 1 : 0;
            total++;
            if (reference.length > 1) {
                int[] best = top(reference, 2);
                marginAndAgreement.add(new double[] {reference[best[0]] - reference[best[1]], same ? 1 : 0});
            }
        }

        String agreementAbove(double margin) {
            long n = marginAndAgreement.stream().filter(m -> m[0] > margin).count();
            long same = marginAndAgreement.stream().filter(m -> m[0] > margin && m[1] == 1).count();
            return String.format("%.2f %% (%d/%d)", 100.0 * same / Math.max(1, n), same, n);
        }

        void add(float[][] reference, float[][] got, boolean[] real) {
            for (int r = 0; r < reference.length; r++) {
                if (real[r]) {
                    add(reference[r], got[r]);
                }
            }
        }

        String agreement() {
            return String.format("%.2f %% (%d/%d)", 100.0 * agree / total, agree, total);
        }
    }

    /** tanh(Wp·h[CLS] + bp) then Wc·pooled + bc, weights N(0, 1/in) from a fixed seed. */
    private static final class SeededHead {
        final float[][] pooler;
        final float[][] classifier;

        SeededHead(int hidden, int labels, long seed) {
            Random random = new Random(seed);
            pooler = gaussian(random, hidden, hidden);
            classifier = gaussian(random, labels, hidden);
        }

        float[][] logits(INDArray lastHidden) { // [batch, seq, hidden]
            int batch = (int) lastHidden.size(0);
            float[][] out = new float[batch][];
            for (int b = 0; b < batch; b++) {
                float[] cls = lastHidden.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(0)).dup('c').data().asFloat();
                float[] pooled = apply(pooler, cls);
                for (int i = 0; i < pooled.length; i++) {
                    pooled[i] = (float) Math.tanh(pooled[i]);
                }
                out[b] = apply(classifier, pooled);
            }
            return out;
        }

        private static float[] apply(float[][] w, float[] x) {
            float[] y = new float[w.length];
            for (int o = 0; o < w.length; o++) {
                double s = 0;
                for (int i = 0; i < x.length; i++) {
                    s += (double) w[o][i] * x[i];
                }
                y[o] = (float) s;
            }
            return y;
        }

        private static float[][] gaussian(Random random, int rows, int cols) {
            float[][] w = new float[rows][cols];
            double sd = 1 / Math.sqrt(cols);
            for (float[] row : w) {
                for (int i = 0; i < cols; i++) {
                    row[i] = (float) (random.nextGaussian() * sd);
                }
            }
            return w;
        }
    }
}

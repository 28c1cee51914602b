package io.albert4j.bench;

import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.FillMaskPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Where a cold {@code fill-mask} spends its time, phase by phase, in one fresh JVM:
 * {@code java -cp ... io.albert4j.bench.ColdStartProfile MODEL_DIR [nd4j-first]}. Prints ms from JVM
 * start to main, then each phase: ND4J's backend (native libraries) when {@code nd4j-first} is given
 * (otherwise the model load includes it), the model, the tokenizer, the first fill-mask call.
 */
public final class ColdStartProfile {
    private ColdStartProfile() {
    }

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        StringBuilder line = new StringBuilder(String.format("jvm-to-main %d", System.currentTimeMillis() - jvmStart));
        long t = System.nanoTime();
        if (args.length > 1 && args[1].equals("nd4j-first")) {
            Nd4j.getBackend();
            t = lap(line, "nd4j", t);
        }
        Path dir = Path.of(args[0]);
        try (AlbertModel model = AlbertModel.load(dir)) {
            t = lap(line, "model", t);
            try (AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
                t = lap(line, "tokenizer", t);
                new FillMaskPipeline(model, tokenizer).run("Paris is the [MASK] of France.");
                lap(line, "fill-mask", t);
            }
        }
        System.out.println(line.append(String.format(" | total %d ms", System.currentTimeMillis() - jvmStart)));
    }

    private static long lap(StringBuilder line, String phase, long since) {
        long now = System.nanoTime();
        line.append(String.format(" | %s %d", phase, (now - since) / 1_000_000));
        return now;
    }
}

package io.albert4j.tokenizer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Single-thread encoding throughput on a text file (not a unit test): each non-empty line is
 * encoded with {@link AlbertTokenizer#encode(String)}; MB/s counts the file's UTF-8 bytes of
 * those lines. Wall-clock time is the measure; the thread's CPU time (native encoding included)
 * is printed too, as it varies less on a machine shared with other work. Run from the repository root after {@code mvn -o test-compile}:
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) io.albert4j.tokenizer.TokenizerThroughput \
 *     [tokenizerDir] [textFile] [repeats]
 * </pre>
 *
 * (with {@code target/cp.txt} from {@code mvn -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt}).
 */
public final class TokenizerThroughput {
    private TokenizerThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/fixtures/tokenizer");
        Path file = Path.of(args.length > 1 ? args[1] : "../shared/corpus/wikitext-2_valid.txt");
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank()).toList();
        long bytes = lines.stream().mapToLong(line -> line.getBytes(StandardCharsets.UTF_8).length).sum();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            runOnce(tokenizer, lines);
            runOnce(tokenizer, lines);
            double[] wall = new double[repeats];
            double[] cpu = new double[repeats];
            long tokens = 0;
            for (int r = 0; r < repeats; r++) {
                long cpuStart = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                tokens = runOnce(tokenizer, lines);
                wall[r] = (System.nanoTime() - start) / 1e9;
                cpu[r] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            double median = wall[repeats / 2];
            double cpuMedian = cpu[repeats / 2];
            System.out.printf("%s: %d lines, %.2f MB, %d tokens; median of %d runs %.3f s (min %.3f, max %.3f)"
                            + " = %.2f MB/s, %.0f lines/s; thread CPU time median %.3f s = %.2f MB/s%n",
                    file.getFileName(), lines.size(), bytes / 1e6, tokens, repeats, median, wall[0],
                    wall[repeats - 1], bytes / 1e6 / median, lines.size() / median, cpuMedian, bytes / 1e6 / cpuMedian);
        }
    }

    private static long runOnce(AlbertTokenizer tokenizer, List<String> lines) {
        long tokens = 0;
        for (String line : lines) {
            tokens += tokenizer.encode(line).length();
        }
        return tokens;
    }
}

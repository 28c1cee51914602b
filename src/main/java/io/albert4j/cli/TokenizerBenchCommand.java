package io.albert4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.wire.JsonResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bench-tokenizer [--model DIR] [--tokenizer fast|slow] [--warmup N] [--iterations N] FILE...}:
 * single-thread throughput of {@link AlbertTokenizer#encode(String)} over every non-blank line of
 * the files (MB/s of their UTF-8 bytes). After {@code --warmup} (2) untimed passes, the median of
 * {@code --iterations} (7) timed passes, in wall-clock time and in the thread's CPU time (which
 * varies less on a machine shared with other work). Prints one JSON object.
 */
@Command(name = "bench-tokenizer", description = "Single-thread tokenizer throughput (MB/s of UTF-8) over the "
        + "non-blank lines of the FILEs; prints one JSON object.")
final class TokenizerBenchCommand implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Mixin
    TokenizerOption tokenizerOption;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed passes first (default: 2)")
    int warmup = 2;

    @Option(names = "--iterations", paramLabel = "N", description = "timed passes (default: 7)")
    int iterations = 7;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "text files, one text per line")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        if (warmup < 0 || iterations < 1) {
            throw new CliException("--warmup must be >= 0 and --iterations >= 1");
        }
        List<String> lines = new ArrayList<>();
        long bytes = 0;
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new CliException("text file not found: " + file);
            }
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    lines.add(line);
                    bytes += line.getBytes(StandardCharsets.UTF_8).length;
                }
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(LoadedModel.resolve(model.model, root.console()),
                tokenizerOption.mode())) {
            for (int i = 0; i < warmup; i++) {
                encodeAll(tokenizer, lines);
            }
            double[] wall = new double[iterations];
            double[] cpu = new double[iterations];
            long tokens = 0;
            for (int i = 0; i < iterations; i++) {
                long cpuStart = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                tokens = encodeAll(tokenizer, lines);
                wall[i] = (System.nanoTime() - start) / 1e9;
                cpu[i] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            double mb = bytes / 1e6;
            ObjectNode json = JsonResults.JSON.createObjectNode();
            json.put("tokenizer", tokenizer.mode().name().toLowerCase());
            json.put("lines", lines.size());
            json.put("mb", mb);
            json.put("tokens", tokens);
            json.put("iterations", iterations);
            json.put("median_s", wall[iterations / 2]);
            json.put("min_s", wall[0]);
            json.put("max_s", wall[iterations - 1]);
            json.put("mb_per_s", mb / wall[iterations / 2]);
            json.put("cpu_median_s", cpu[iterations / 2]);
            json.put("cpu_mb_per_s", mb / cpu[iterations / 2]);
            root.console().out().println(JsonResults.JSON.writeValueAsString(json));
            return 0;
        }
    }

    private static long encodeAll(AlbertTokenizer tokenizer, List<String> lines) {
        long tokens = 0;
        for (String line : lines) {
            tokens += tokenizer.encode(line).length();
        }
        return tokens;
    }
}

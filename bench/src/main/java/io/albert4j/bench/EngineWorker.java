package io.albert4j.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.Architecture;
import io.albert4j.model.Parallelism;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * One engine of the side-by-side benchmark (scripts/bench-engines.sh), in its own process, driven
 * line by line over stdin by bench/engines/bench_engines.py so that the engines' forward passes can
 * be interleaved:
 * <pre>
 *   java ... io.albert4j.bench.EngineWorker albert4j|ort THREADS MODEL_DIR|MODEL.onnx
 *   &lt; run BATCH SEQ N        &gt; ok MS1 ... MSn | SAMPLE1 ... SAMPLE8
 *   &lt; quit
 * </pre>
 * It prints {@code ready MS} once loaded (ms since the JVM started). Every engine gets the ids of {@link #ids} (the same
 * formula as torch_worker.py), type ids 0 and a full attention mask, and answers with the wall time of
 * each forward pass and eight values of its last hidden state ([batch-1, seq-1, 0..7]), which the
 * driver compares across engines.
 */
public final class EngineWorker {
    private EngineWorker() {
    }

    /** One loaded model that maps [batch, seq] ids to its last hidden state. */
    interface Engine extends AutoCloseable {
        /** Runs one forward pass; returns eight values of the last hidden state at [batch-1, seq-1]. */
        float[] forward(int[][] ids) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EngineWorker albert4j|ort THREADS MODEL_DIR|MODEL.onnx");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Engine engine = open(args[0], threads, Path.of(args[2]))) {
            long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            out.printf("ready %d%n", sinceJvmStart);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
                String[] command = line.trim().split("\\s+");
                if (command.length != 4 || !command[0].equals("run")) {
                    out.println("error unknown command: " + line);
                    continue;
                }
                int[][] ids = ids(Integer.parseInt(command[1]), Integer.parseInt(command[2]));
                int n = Integer.parseInt(command[3]);
                StringBuilder reply = new StringBuilder("ok");
                float[] sample = null;
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    sample = engine.forward(ids);
                    reply.append(String.format(" %.3f", (System.nanoTime() - t0) / 1e6));
                }
                reply.append(" |");
                for (float v : sample) {
                    reply.append(' ').append(v);
                }
                out.println(reply);
            }
        }
    }

    /** Deterministic ids shared by every engine: [CLS] w ... w [SEP], words in [5, 30000). */
    static int[][] ids(int batch, int seq) {
        int[][] ids = new int[batch][seq];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < seq; s++) {
                ids[b][s] = s == 0 ? 2 : s == seq - 1 ? 3 : 5 + (int) (((long) b * 7919 + (long) s * 104729) % 29995);
            }
        }
        return ids;
    }

    private static Engine open(String kind, int threads, Path model) throws OrtException {
        return switch (kind) {
            case "albert4j" -> new Albert4j(model, threads);
            case "ort" -> new OnnxRuntime(model, threads);
            default -> throw new IllegalArgumentException("unknown engine " + kind + " (albert4j or ort)");
        };
    }

    /** albert4j's encoder (AlbertModel, no head) on the safetensors checkpoint. */
    static final class Albert4j implements Engine {
        private final AlbertModel model;

        Albert4j(Path dir, int threads) {
            Parallelism.setThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
            model = AlbertModel.load(dir, Architecture.ALBERT_MODEL);
        }

        @Override
        public float[] forward(int[][] ids) {
            INDArray hidden = model.forward(AlbertInput.of(ids)).lastHiddenState(); // [batch, seq, hidden]
            float[] sample = new float[8];
            for (int j = 0; j < 8; j++) {
                sample[j] = hidden.getFloat(ids.length - 1L, ids[0].length - 1L, j);
            }
            return sample;
        }

        @Override
        public void close() {
            model.close();
        }
    }

    /** ONNX Runtime's Java API on the exported graph: intra-op threads as given, one inter-op thread. */
    static final class OnnxRuntime implements Engine {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;

        OnnxRuntime(Path file, int threads) throws OrtException {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(file.toString(), options);
            }
        }

        @Override
        public float[] forward(int[][] ids) throws OrtException {
            int batch = ids.length;
            int seq = ids[0].length;
            long[] shape = {batch, seq};
            LongBuffer inputIds = LongBuffer.allocate(batch * seq);
            for (int[] row : ids) {
                for (int id : row) {
                    inputIds.put(id);
                }
            }
            long[] ones = new long[batch * seq];
            Arrays.fill(ones, 1);
            try (OnnxTensor idsTensor = OnnxTensor.createTensor(env, inputIds.flip(), shape);
                 OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(ones), shape);
                 OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.allocate(batch * seq), shape);
                 OrtSession.Result result = session.run(Map.of("input_ids", idsTensor, "attention_mask", mask,
                         "token_type_ids", types))) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer(); // [batch, seq, hidden]
                int hiddenSize = (int) (hidden.capacity() / ((long) batch * seq));
                float[] sample = new float[8];
                hidden.get(((batch - 1) * seq + seq - 1) * hiddenSize, sample, 0, 8);
                return sample;
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }
}

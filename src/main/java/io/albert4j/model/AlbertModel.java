package io.albert4j.model;

import io.albert4j.AlbertException;
import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.Activation;
import io.albert4j.config.AlbertConfig;
import io.albert4j.hub.HubModelResolver;
import io.albert4j.hub.HubOptions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loaded ALBERT checkpoint: the encoder ({@code AlbertEmbeddings}, {@code AlbertTransformer}),
 * the pooler where the class has one, and the task heads of the class named by {@code architectures}
 * in config.json (or the one asked for), each loaded from its own weight scope. Outputs match
 * Hugging Face transformers' float32 outputs.
 *
 * <p>Thread-safe: the model is immutable once loaded and may be shared by any number of threads;
 * each {@link #forward} call keeps its activations to itself: intermediate buffers are reused from a
 * per-thread workspace (one set per calling thread, sized for the last shape that thread ran, so a
 * thread that ran a large batch holds about 60 MB per 1,024 tokens until it runs a smaller one or
 * calls {@link #releaseWorkspace()}), and every returned array is freshly allocated (the caller's:
 * {@link #close()} does not free outputs).
 *
 * <p>{@link #close()} frees the model's off-heap memory at once: its weights and the activation
 * buffers of every thread that ran it (ND4J would otherwise free them only when the garbage collector
 * finds them, which a load/close loop outruns). A close while other threads are inside
 * {@link #forward} waits for those passes to finish, then frees; a forward pass that starts after
 * close fails with {@link IllegalStateException} ("model is closed"). Closing twice is harmless.
 *
 * <pre>{@code
 * try (AlbertModel model = AlbertModel.fromPretrained("albert-base-v2")) { // or load(Path.of("dir"))
 *     AlbertOutput out = model.forward(AlbertInput.of(new int[][] {{2, 10975, 15, 51, 1952, 25, 10901, 3}}));
 *     INDArray hidden = out.lastHiddenState(); // [1, 8, 768]
 * }
 * }</pre>
 */
public final class AlbertModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlbertModel.class);
    /** ND4J's switch for the backend details it logs at INFO when it starts. */
    static final String ND4J_LOG_INITIALIZATION = "org.nd4j.log.initialization";

    static {
        // A library should not print about ten lines of ND4J backend details into an application's
        // INFO log; this runs before the first load touches ND4J. -Dorg.nd4j.log.initialization=true
        // brings them back.
        if (System.getProperty(ND4J_LOG_INITIALIZATION) == null) {
            System.setProperty(ND4J_LOG_INITIALIZATION, "false");
        }
    }

    private final AlbertConfig config;
    private final Architecture architecture;
    private final AlbertEmbeddings embeddings;
    private final AlbertTransformer transformer;
    private final Linear pooler;          // albert.pooler.weight [hidden, hidden], .bias [hidden]; or null
    private final List<TaskHead> heads;   // the architecture's, from TaskHeads (none for the bare encoder)
    /** Forward passes (and masked-LM logits computed later from their outputs) against close. */
    private final Lifecycle lifecycle = new Lifecycle();
    /** Off-heap weights (and arrays derived from them), freed by close. */
    private final List<INDArray> ownedArrays;
    /** Every thread's workspace, so that close can free them all. */
    private final Set<Workspace> allWorkspaces = ConcurrentHashMap.newKeySet();
    /** Per-thread activation buffers, reused by every forward pass of the same shape on a thread. */
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(() -> {
        Workspace ws = new Workspace();
        allWorkspaces.add(ws);
        return ws;
    });

    private AlbertModel(AlbertConfig config, Architecture architecture, StateDict weights, Precision precision) {
        this.config = config;
        this.architecture = architecture;
        WeightScope root = WeightScope.root(weights);
        embeddings = new AlbertEmbeddings(weights, config);
        transformer = new AlbertTransformer(weights, config, precision);
        pooler = loadPooler(root.pp("albert"), architecture, config.hiddenSize());
        heads = TaskHeads.load(architecture, root, config, embeddings.wordEmbeddings, lifecycle);
        ownedArrays = weights.createdArrays();
    }

    /**
     * Loads a checkpoint directory, or a Hugging Face Hub id ({@code albert-base-v2},
     * {@code org/name@revision}) through Hugging Face's cache, with the head its config.json names.
     * A path that exists is loaded without touching the network; an id is resolved with
     * {@link HubOptions#fromEnvironment()} (see {@link HubModelResolver}).
     */
    public static AlbertModel fromPretrained(String modelIdOrPath) {
        return fromPretrained(modelIdOrPath, HubOptions.fromEnvironment());
    }

    /** Like {@link #fromPretrained(String)}, with the given Hub options (cache, token, revision, offline). */
    public static AlbertModel fromPretrained(String modelIdOrPath, HubOptions hub) {
        return load(new HubModelResolver(hub).resolve(modelIdOrPath));
    }

    /** Loads a checkpoint directory with the head its config.json names. */
    public static AlbertModel load(Path checkpointDir) {
        return load(checkpointDir, null);
    }

    /**
     * Loads a checkpoint directory with the given head, or the config's when {@code architecture}
     * is null. {@link Architecture#ALBERT_MODEL} gives the bare encoder of any checkpoint.
     *
     * @throws AlbertException for a missing or inconsistent config, an unreadable or corrupt weights
     *                         file, or a missing or misshapen weight (naming key and shapes)
     */
    public static AlbertModel load(Path checkpointDir, Architecture architecture) {
        return load(checkpointDir, architecture, Precision.FP32);
    }

    /**
     * Loads a checkpoint directory with the given head (the config's when null), its encoder's
     * linear layers computing in {@code precision} ({@link Precision#FP32} matches Hugging Face;
     * INT8 and BF16 are faster and deviate slightly, see {@link Precision}).
     *
     * @throws AlbertException as {@link #load(Path, Architecture)}, and for a precision the running
     *                         machine does not support (naming the platform and what it supports)
     */
    public static AlbertModel load(Path checkpointDir, Architecture architecture, Precision precision) {
        Objects.requireNonNull(precision, "precision");
        AlbertConfig config = AlbertConfig.load(checkpointDir);
        Architecture chosen = architecture != null ? architecture : Architecture.of(config);
        try (StateDict weights = StateDict.open(checkpointDir)) {
            AlbertModel model = new AlbertModel(config, chosen, weights, precision);
            List<String> unused = weights.unusedKeys().stream().filter(k -> !StateDict.TIED_KEYS.containsKey(k)).toList();
            if (!unused.isEmpty() && chosen != Architecture.ALBERT_MODEL) {
                LOG.warn("{}: unexpected keys not used by {}: {}", weights.source(), chosen.className(), unused);
            }
            LOG.debug("loaded {} from {} ({})", chosen.className(), checkpointDir, precision);
            return model;
        }
    }

    public AlbertConfig config() {
        return config;
    }

    public Architecture architecture() {
        return architecture;
    }

    /** Runs the encoder and the head on a batch. */
    public AlbertOutput forward(AlbertInput input) {
        return forward(input, false);
    }

    /**
     * Runs the encoder and the head on a batch; with {@code outputHiddenStates} the output also lists
     * every layer's hidden state, as Hugging Face's {@code output_hidden_states=True}.
     */
    public AlbertOutput forward(AlbertInput input, boolean outputHiddenStates) {
        return lifecycle.use(() -> run(input, outputHiddenStates));
    }

    private AlbertOutput run(AlbertInput input, boolean outputHiddenStates) {
        int rows = input.rows();
        int seq = input.seqLength();
        float[][] mask = additiveMask(input.attentionMask());
        List<INDArray> states = outputHiddenStates ? new ArrayList<>() : null;
        Workspace ws = workspaces.get();
        INDArray hidden = transformer.forward(embeddings.forward(input, ws), mask, states, ws); // [rows·seq, hidden]
        INDArray pooled = pooler == null ? null : pool(hidden, rows, seq);             // [rows, hidden]
        TaskHead.Encoded encoded = new TaskHead.Encoded(hidden, pooled, rows, seq, input.choices());
        TaskHead.Outputs out = new TaskHead.Outputs();
        for (TaskHead head : heads) {
            head.forward(encoded, out);
        }
        return new AlbertOutput(asBatch(hidden, rows, seq), pooled, out.logits, out.sopLogits, out.startLogits,
                out.endLogits, states == null ? null : states.stream().map(s -> asBatch(s, rows, seq)).toList(),
                out.maskedLm);
    }

    /** The off-heap arrays close frees (for tests). */
    List<INDArray> ownedArrays() {
        return ownedArrays;
    }

    /** Drops the calling thread's reusable activation buffers (the next forward pass reallocates them). */
    public void releaseWorkspace() {
        lifecycle.use(() -> {
            workspaces.get().clear();
            return null;
        });
    }

    /**
     * Frees the weights and every thread's activation buffers now, after waiting for forward passes
     * in progress; later forward passes fail. Idempotent.
     */
    @Override
    public void close() {
        lifecycle.close(() -> {
            allWorkspaces.forEach(Workspace::clear);
            allWorkspaces.clear();
            Set<INDArray> freed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (INDArray a : ownedArrays) {
                if (freed.add(a) && !a.wasClosed()) {
                    a.close();
                }
            }
        });
    }

    /**
     * The pooler ({@code albert.pooler}) where Hugging Face's class has one; the bare encoder takes
     * it when the checkpoint has one.
     */
    private static Linear loadPooler(WeightScope albert, Architecture architecture, int h) {
        boolean wanted = architecture == Architecture.ALBERT_MODEL ? albert.contains("pooler.weight") : architecture.hasPooler();
        return wanted ? albert.linear("pooler", h, h) : null;
    }

    /** tanh(dense(hidden of each sequence's first token)): [rows·seq, hidden] → [rows, hidden]. */
    private INDArray pool(INDArray hidden, int rows, int seq) {
        int[] firstTokens = new int[rows];
        for (int r = 0; r < rows; r++) {
            firstTokens[r] = r * seq;
        }
        INDArray pooled = pooler.project(Nd4j.pullRows(hidden, 1, firstTokens));
        Kernels.addBiasActivation(pooled, pooler.bias, Activation.TANH);
        return pooled;
    }

    /** Hugging Face's extended attention mask: 0 for tokens, the float32 minimum for padding. */
    private static float[][] additiveMask(int[][] attentionMask) {
        float[][] out = new float[attentionMask.length][];
        for (int r = 0; r < attentionMask.length; r++) {
            out[r] = new float[attentionMask[r].length];
            for (int s = 0; s < out[r].length; s++) {
                out[r][s] = attentionMask[r][s] != 0 ? 0f : Kernels.MASKED;
            }
        }
        return out;
    }

    private static INDArray asBatch(INDArray rowsBySeq, int rows, int seq) {
        return rowsBySeq.reshape('c', rows, seq, rowsBySeq.size(1));
    }
}

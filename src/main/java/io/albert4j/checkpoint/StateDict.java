package io.albert4j.checkpoint;

import io.albert4j.AlbertException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The tensors of a checkpoint by their canonical keys, as ND4J float32 arrays. Canonical keys are
 * those of Hugging Face's {@code AlbertFor*} checkpoints, e.g.
 * {@code "albert.embeddings.word_embeddings.weight"}, {@code "predictions.decoder.weight"},
 * {@code "classifier.weight"}. Two resolution rules bridge the differences between checkpoints:
 * <ul>
 *   <li><b>prefix</b>: a checkpoint saved from a bare {@code AlbertModel} has no {@code albert.}
 *       prefix, so a request for {@code albert.X} that the checkpoint lacks finds {@code X};</li>
 *   <li><b>tied weights</b> ({@link #TIED_KEYS}): {@code predictions.decoder.weight}, when absent,
 *       is the word embedding matrix {@code albert.embeddings.word_embeddings.weight}, and
 *       {@code predictions.decoder.bias} is {@code predictions.bias} (safetensors files store tied
 *       tensors once).</li>
 * </ul>
 * The exact key always wins over a resolved one. Every tensor handed out is recorded, so that
 * {@link #unusedKeys()} can report what the checkpoint holds that the model never asked for.
 *
 * <p>Not thread-safe: one loading thread opens it, requests the tensors and closes it.
 */
public final class StateDict implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateDict.class);

    /** The prefix of the base model's parameters in task-head checkpoints. */
    public static final String BASE_PREFIX = "albert.";

    /**
     * The tied-weight table, the only one: each key Hugging Face ties on load to another parameter,
     * mapped to that parameter's key. A checkpoint may store the tied copy (pytorch_model.bin does) or
     * not (safetensors stores tied tensors once); {@link #require} falls back to the parameter it is
     * tied to, and a stored copy that no model reads is not an unexpected key.
     */
    public static final Map<String, String> TIED_KEYS = Map.of(
            "predictions.decoder.weight", "albert.embeddings.word_embeddings.weight",
            "predictions.decoder.bias", "predictions.bias");

    /** Buffers (not parameters) that checkpoints may hold and no model needs to read. */
    private static final List<String> BUFFER_SUFFIXES = List.of(
            "embeddings.position_ids", "embeddings.token_type_ids", ".masked_bias");

    private final CheckpointReader reader;
    private final String source;
    private final Set<String> used = new HashSet<>();
    private final List<INDArray> created = new ArrayList<>();
    private boolean closed;

    private StateDict(CheckpointReader reader, String source) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.source = Objects.requireNonNull(source, "source");
    }

    /**
     * Opens the weights of a checkpoint directory (see {@link Checkpoints#open(Path)} for the files
     * looked for and their order).
     *
     * @throws AlbertException if there are no weights or they are malformed
     */
    public static StateDict open(Path checkpointDir) {
        CheckpointReader reader = Checkpoints.open(checkpointDir);
        return new StateDict(reader, reader.source());
    }

    /**
     * Wraps an open reader; {@code source} names it in messages. Closing the state dict closes the reader.
     */
    public static StateDict of(CheckpointReader reader, String source) {
        return new StateDict(reader, source);
    }

    /**
     * Reads a tensor by its canonical key as a new float32 array in c (row-major) order.
     *
     * @param key           the canonical key, e.g. {@code "albert.embeddings.word_embeddings.weight"}
     * @param expectedShape the shape the caller needs; pass no dimensions to accept any shape
     * @throws AlbertException naming the key, the expected shape and the source when the checkpoint
     *         lacks the tensor (under every name the resolution rules allow), or naming the key, the source and the
     *         expected and found shapes when they differ, or when the tensor is not floating-point
     */
    public INDArray require(String key, long... expectedShape) {
        return optional(key, expectedShape).orElseThrow(() -> new AlbertException(
                "checkpoint " + source + " has no tensor " + AlbertException.quote(key) + ofShape(expectedShape)
                        + lookedFor(key)
                        + " (it holds " + reader.tensors().size() + " tensors" + similar(key) + ")"));
    }

    /**
     * Like {@link #require}, but empty when the checkpoint lacks the tensor. A tensor that is present
     * with the wrong shape is still an error.
     */
    public Optional<INDArray> optional(String key, long... expectedShape) {
        checkOpen();
        Optional<String> stored = resolve(key);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        String storedKey = stored.get();
        TensorInfo info = reader.tensors().get(storedKey);
        long[] shape = info.shape();
        if (expectedShape.length > 0 && !Arrays.equals(shape, expectedShape)) {
            throw new AlbertException("checkpoint " + source + ": tensor " + AlbertException.quote(key)
                    + (storedKey.equals(key) ? "" : " (stored as " + AlbertException.quote(storedKey) + ")")
                    + " has shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expectedShape)
                    + "; the config does not match the weights");
        }
        if (!info.dtype().isFloatingPoint()) {
            throw new AlbertException("checkpoint " + source + ": tensor " + AlbertException.quote(key)
                    + (storedKey.equals(key) ? "" : " (stored as " + AlbertException.quote(storedKey) + ")")
                    + " has dtype " + info.dtype() + ", not a floating-point type");
        }
        if (!storedKey.equals(key)) {
            LOG.debug("{}: '{}' read from '{}'", source, key, storedKey);
        }
        INDArray array = read(storedKey, shape, info.elementCount());
        used.add(storedKey);
        created.add(array);
        return Optional.of(array);
    }

    /**
     * Registers an array built from loaded tensors (a concatenation, say), so that it is listed by
     * {@link #createdArrays()} with them.
     */
    public INDArray own(INDArray derived) {
        created.add(derived);
        return derived;
    }

    /**
     * Every array {@link #require}, {@link #optional} and {@link #own} returned: off-heap memory the
     * caller owns and may free at once with {@link INDArray#close()} (closing the state dict does not).
     */
    public List<INDArray> createdArrays() {
        return List.copyOf(created);
    }

    /**
     * Whether the file itself stores the key (the {@code albert.} prefix rule applies, the tied
     * weights rule does not): an untied decoder must be stored.
     */
    public boolean storesUntied(String key) {
        Map<String, TensorInfo> tensors = reader.tensors();
        return tensors.containsKey(key)
                || key.startsWith(BASE_PREFIX) && tensors.containsKey(key.substring(BASE_PREFIX.length()));
    }

    /** Whether {@link #require} would find the key (under the resolution rules). */
    public boolean contains(String key) {
        return resolve(key).isPresent();
    }

    /**
     * Keys the checkpoint holds that no {@link #require} or {@link #optional} call has read, in file
     * order, leaving out buffers no model reads ({@code *embeddings.position_ids},
     * {@code *embeddings.token_type_ids}, {@code *.masked_bias}). The caller logs them.
     */
    public List<String> unusedKeys() {
        List<String> unused = new ArrayList<>();
        for (String key : reader.tensors().keySet()) {
            if (!used.contains(key) && BUFFER_SUFFIXES.stream().noneMatch(key::endsWith)) {
                unused.add(key);
            }
        }
        return unused;
    }

    /** The file (or index) the tensors come from, as used in messages. */
    public String source() {
        return source;
    }

    /** Closes the underlying reader. Closing twice is harmless. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            reader.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("state dict for " + source + " is closed");
        }
    }

    /** The stored key a canonical key resolves to. */
    private Optional<String> resolve(String key) {
        Map<String, TensorInfo> tensors = reader.tensors();
        if (tensors.containsKey(key)) {
            return Optional.of(key);
        }
        if (key.startsWith(BASE_PREFIX) && tensors.containsKey(key.substring(BASE_PREFIX.length()))) {
            return Optional.of(key.substring(BASE_PREFIX.length()));
        }
        String tied = TIED_KEYS.get(key);
        return tied == null ? Optional.empty() : resolve(tied);
    }

    private static String ofShape(long[] expectedShape) {
        return expectedShape.length == 0 ? "" : " of shape " + Arrays.toString(expectedShape);
    }

    private static String lookedFor(String key) {
        List<String> names = new ArrayList<>();
        for (String k = key; k != null; k = TIED_KEYS.get(k)) {
            if (!k.equals(key)) {
                names.add(AlbertException.quote(k));
            }
            if (k.startsWith(BASE_PREFIX)) {
                names.add(AlbertException.quote(k.substring(BASE_PREFIX.length())));
            }
        }
        return names.isEmpty() ? "" : " (also looked for " + String.join(", ", names) + ")";
    }

    private String similar(String key) {
        String last = key.substring(key.lastIndexOf('.', Math.max(0, key.lastIndexOf('.') - 1)) + 1);
        List<String> similar = reader.tensors().keySet().stream().filter(k -> k.endsWith(last)).limit(3).toList();
        return similar.isEmpty() ? "" : "; similar: " + similar;
    }

    /**
     * Copies a tensor straight into the off-heap buffer of a new array; if ND4J's buffer cannot be
     * viewed as a native-order FloatBuffer (it can on nd4j-native), goes through a float[].
     */
    private INDArray read(String storedKey, long[] shape, long count) {
        if (count > Integer.MAX_VALUE) {
            throw new AlbertException("checkpoint " + source + ": tensor " + AlbertException.quote(storedKey) + " has " + count
                    + " elements, more than one array can hold (" + Integer.MAX_VALUE + ")");
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (count == 0) {
                return Nd4j.create(DataType.FLOAT, shape, 'c');
            }
            INDArray array = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
            FloatBuffer view = directView(array, count);
            if (view == null) {
                return readThroughHeap(reader, source, storedKey, shape, count);
            }
            reader.readFloat32(storedKey, view);
            checkCount(source, storedKey, view.position(), count);
            return array;
        }
    }

    /** The fallback of {@link #read}: the tensor into a float[], then into a new array. */
    static INDArray readThroughHeap(CheckpointReader reader, String source, String storedKey, long[] shape, long count) {
        float[] values = new float[(int) count];
        FloatBuffer heap = FloatBuffer.wrap(values);
        reader.readFloat32(storedKey, heap);
        checkCount(source, storedKey, heap.position(), count);
        return Nd4j.create(values, shape, 'c');
    }

    private static void checkCount(String source, String storedKey, long produced, long count) {
        if (produced != count) {
            throw new AlbertException("checkpoint " + source + ": reading tensor " + AlbertException.quote(storedKey) + " produced "
                    + produced + " of " + count + " floats");
        }
    }

    /** A FloatBuffer over exactly the array's elements in native byte order, or null. */
    static FloatBuffer directView(INDArray array, long count) {
        try {
            if (array.isView() || array.offset() != 0 || array.data().dataType() != DataType.FLOAT) {
                return null;
            }
            FloatBuffer view = array.data().asNioFloat();
            if (view == null || view.order() != ByteOrder.nativeOrder() || view.position() != 0
                    || view.capacity() < count) {
                return null;
            }
            return view.limit((int) count);
        } catch (RuntimeException e) {
            LOG.debug("no direct view of an ND4J buffer ({}); copying through the heap", e.toString());
            return null;
        }
    }
}

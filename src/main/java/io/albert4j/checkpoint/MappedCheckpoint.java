package io.albert4j.checkpoint;

import io.albert4j.AlbertException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated checkpoint file: its tensors' locations, read on demand by memory-mapping.
 * Produced by {@link SafetensorsFile} and {@link TorchFile}.
 *
 * <p>Not thread-safe (see {@link CheckpointReader}).
 */
final class MappedCheckpoint implements CheckpointReader {
    private final String source;
    private final Map<String, StoredTensor> stored;
    private final Map<String, TensorInfo> infos;
    private final List<? extends Closeable> resources;
    private boolean closed;

    MappedCheckpoint(String source, Map<String, StoredTensor> stored, List<? extends Closeable> resources) {
        this.source = source;
        this.stored = new LinkedHashMap<>(stored);
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        stored.forEach((k, t) -> infos.put(k, t.info));
        this.infos = Collections.unmodifiableMap(infos);
        this.resources = List.copyOf(resources);
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return infos;
    }

    /** The storage layout of one tensor, or null. */
    StoredTensor stored(String key) {
        return stored.get(key);
    }

    @Override
    public void readFloat32(String key, FloatBuffer destination) {
        if (closed) {
            throw new IllegalStateException("checkpoint reader for " + source + " is closed");
        }
        StoredTensor tensor = stored.get(key);
        if (tensor == null) {
            throw new AlbertException(source + ": no tensor " + AlbertException.quote(key) + " (the checkpoint has " + stored.size() + " tensors)");
        }
        tensor.copyTo(destination, StoredTensor.DEFAULT_CHUNK_BYTES);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(resources);
    }

    static void closeAll(List<? extends Closeable> resources) {
        for (Closeable c : resources) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                // nothing useful to do: the file was only read
            }
        }
    }
}

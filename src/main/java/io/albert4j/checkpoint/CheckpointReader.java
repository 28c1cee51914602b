package io.albert4j.checkpoint;

import java.io.Closeable;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Reads the tensors of one checkpoint (a safetensors file, a sharded set, a pytorch_model.bin).
 * Every implementation validates its file's structure before trusting it and upcasts F16/BF16 to
 * float32 on read. Keys are the checkpoint's own, without prefix resolution (see {@link StateDict}).
 * Obtain one with {@link Checkpoints#open(java.nio.file.Path)}.
 *
 * <p>Not thread-safe; a reader is used by one loading thread and closed afterwards.
 */
public interface CheckpointReader extends Closeable {

    /** Every tensor in the checkpoint, by its key, in file order. */
    Map<String, TensorInfo> tensors();

    /**
     * Copies one tensor, converted to float32 in row-major order, into {@code destination}
     * (which must have {@code info.elementCount()} floats remaining), advancing its position.
     * Any byte order of {@code destination} is honoured.
     *
     * @throws io.albert4j.AlbertException if the key is absent, its type is not a floating-point
     *         one, or the bytes cannot be read
     * @throws IllegalArgumentException if {@code destination} has too little room
     */
    void readFloat32(String key, FloatBuffer destination);

    /** What this reader reads (usually a file path), for messages. */
    default String source() {
        return getClass().getSimpleName();
    }

    /** Releases the files; reading afterwards fails. Closing twice is harmless. */
    @Override
    void close();
}

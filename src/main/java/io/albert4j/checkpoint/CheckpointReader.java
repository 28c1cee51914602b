package io.albert4j.checkpoint;

import java.io.Closeable;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Reads the tensors of one checkpoint (a safetensors file, a sharded set, a pytorch_model.bin).
 * Every implementation validates its file's structure before trusting it and upcasts F16/BF16 to
 * float32 on read. Keys are the checkpoint's own, without prefix resolution (see {@link StateDict}).
 *
 * <p>Not thread-safe; a reader is used by one loading thread and closed afterwards.
 */
public interface CheckpointReader extends Closeable {

    /** Every tensor in the checkpoint, by its key, in file order. */
    Map<String, TensorInfo> tensors();

    /**
     * Copies one tensor, converted to float32 in row-major order, into {@code destination}
     * (which must have {@code info.elementCount()} floats remaining).
     *
     * @throws io.albert4j.AlbertException if the key is absent or the bytes cannot be read
     */
    void readFloat32(String key, FloatBuffer destination);

    @Override
    void close();
}

package io.albert4j.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Activation buffers reused across the layers of a forward pass and across forward passes of the
 * same shape: allocating a fresh off-heap array per op costs as much as the op at ALBERT's sizes
 * (malloc, page faults, and garbage the GC must find before the memory is freed).
 *
 * <p>Not thread-safe: each thread has its own ({@link AlbertModel} keeps one per thread in a
 * ThreadLocal). A buffer is valid until the next {@link #get} of the same name with the same
 * shape on the same thread, so nothing from a workspace may escape a forward pass: outputs
 * handed to callers are freshly allocated.
 */
final class Workspace {
    private final Map<String, INDArray> buffers = new HashMap<>();

    /** The c-ordered float buffer called {@code name} with this shape; contents undefined. */
    INDArray get(String name, long... shape) {
        INDArray a = buffers.get(name);
        if (a == null || !Arrays.equals(a.shape(), shape)) {
            if (a != null) {
                a.close(); // the workspace's own buffer, referenced nowhere else: free it now, not at GC
            }
            a = Kernels.allocate(shape);
            buffers.put(name, a);
        }
        return a;
    }

    /** Frees every buffer. */
    void clear() {
        buffers.values().forEach(INDArray::close);
        buffers.clear();
    }
}

package io.albert4j.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stored tensor's key, element type and shape, as declared by the checkpoint file.
 *
 * <p>Immutable (the shape is copied on the way in and out) and thread-safe.
 *
 * @param key   the checkpoint's own key, e.g. {@code "albert.embeddings.word_embeddings.weight"}
 * @param dtype the stored element type
 * @param shape the dimensions, outermost first; an empty array for a scalar
 */
public record TensorInfo(String key, DType dtype, long[] shape) {

    public TensorInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    /** A copy of the dimensions. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Product of the dimensions (1 for a scalar).
     *
     * @throws ArithmeticException if the product overflows a long (readers reject such shapes on open)
     */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Size of the stored data in bytes ({@link #elementCount()} times the element size). */
    public long byteCount() {
        return Math.multiplyExact(elementCount(), dtype.byteSize());
    }

    /** The shape as {@code [a, b]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && key.equals(t.key) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return key + " " + dtype + " " + shapeString();
    }
}

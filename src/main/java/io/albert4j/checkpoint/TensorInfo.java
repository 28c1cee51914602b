package io.albert4j.checkpoint;

import java.util.Arrays;

/** A stored tensor's key, element type and shape, as declared by the checkpoint file. */
public record TensorInfo(String key, DType dtype, long[] shape) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}

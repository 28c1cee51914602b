package io.albert4j.checkpoint;

/** Element types the readers accept; all are upcast to float32 on read. */
public enum DType {
    F32(4), F16(2), BF16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }
}

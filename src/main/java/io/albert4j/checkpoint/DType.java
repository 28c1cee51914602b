package io.albert4j.checkpoint;

import java.util.Map;
import java.util.Optional;

/**
 * Element types a checkpoint may declare. The floating-point ones ({@link #isFloatingPoint()}) are
 * converted to float32 on read: F16 and BF16 are upcast exactly, F64 is rounded to the nearest
 * float32. The integer and boolean ones are listed so that checkpoints holding integer buffers
 * (for example {@code albert.embeddings.position_ids}, saved as I64 by older versions of
 * transformers) can be opened; reading such a tensor as float32 is refused.
 *
 * <p>Immutable and thread-safe.
 */
public enum DType {
    F32(4, true), F16(2, true), BF16(2, true), F64(8, true),
    I64(8, false), I32(4, false), I16(2, false), I8(1, false),
    U64(8, false), U32(4, false), U16(2, false), U8(1, false), BOOL(1, false);

    private static final Map<String, DType> BY_SAFETENSORS_NAME = Map.ofEntries(
            Map.entry("F32", F32), Map.entry("F16", F16), Map.entry("BF16", BF16), Map.entry("F64", F64),
            Map.entry("I64", I64), Map.entry("I32", I32), Map.entry("I16", I16), Map.entry("I8", I8),
            Map.entry("U64", U64), Map.entry("U32", U32), Map.entry("U16", U16), Map.entry("U8", U8),
            Map.entry("BOOL", BOOL));

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether {@link CheckpointReader#readFloat32} accepts tensors of this type. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /**
     * The type a safetensors header names ({@code "F32"}, {@code "BF16"}, {@code "I64"}, ...), or
     * empty for a name this library does not know (for example {@code "F8_E4M3"}).
     */
    public static Optional<DType> fromSafetensorsName(String name) {
        return Optional.ofNullable(BY_SAFETENSORS_NAME.get(name));
    }
}

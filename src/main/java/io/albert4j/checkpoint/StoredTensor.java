package io.albert4j.checkpoint;

import io.albert4j.AlbertException;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Where one tensor's elements lie in a file, and the conversion of those elements to float32.
 * The elements form a storage (a run of {@code storageElements} little-endian elements starting at
 * byte {@code storageStart}); the tensor is the view {@code elementOffset + sum(index[i] * strides[i])}
 * of it, as in PyTorch. The bounds were validated on construction; the bytes are memory-mapped
 * region by region when read, so tensors and files larger than 2 GB work and nothing is read into
 * the Java heap except for non-F32 conversion scratch space.
 *
 * <p>Immutable; reading is safe from several threads as long as the channel stays open.
 */
final class StoredTensor {
    /** Bytes mapped at once when copying a contiguous tensor (a MappedByteBuffer holds at most 2 GB). */
    static final long DEFAULT_CHUNK_BYTES = 1L << 30;

    private static final int SCRATCH_FLOATS = 16 * 1024;

    final TensorInfo info;
    final String file;
    private final FileChannel channel;
    private final long storageStart;
    private final long storageElements;
    private final long elementOffset;
    private final long[] strides;
    private final boolean contiguous;

    private StoredTensor(TensorInfo info, FileChannel channel, String file, long storageStart,
                         long storageElements, long elementOffset, long[] strides) {
        this.info = info;
        this.channel = channel;
        this.file = file;
        this.storageStart = storageStart;
        this.storageElements = storageElements;
        this.elementOffset = elementOffset;
        this.strides = strides.clone();
        this.contiguous = isContiguous(info.shape(), strides);
    }

    /** A densely stored row-major tensor starting at byte {@code start} (bounds checked by the caller). */
    static StoredTensor contiguous(TensorInfo info, FileChannel channel, String file, long start) {
        long[] shape = info.shape();
        return new StoredTensor(info, channel, file, start, info.elementCount(), 0, rowMajorStrides(shape));
    }

    /**
     * A view into a storage, as PyTorch pickles it. Checks that every element the view addresses
     * lies within the storage.
     */
    static StoredTensor view(TensorInfo info, FileChannel channel, String file, long storageStart,
                             long storageElements, long elementOffset, long[] strides, String what) {
        long[] shape = info.shape();
        if (strides.length != shape.length) {
            throw new AlbertException(file + ": " + what + " has shape " + info.shapeString() + " but "
                    + strides.length + " strides " + Arrays.toString(strides));
        }
        if (elementOffset < 0) {
            throw new AlbertException(file + ": " + what + " has negative storage offset " + elementOffset);
        }
        for (long s : strides) {
            if (s < 0) {
                throw new AlbertException(file + ": " + what + " has a negative stride: " + Arrays.toString(strides));
            }
        }
        if (info.elementCount() > 0) {
            long last;
            try {
                last = elementOffset;
                for (int d = 0; d < shape.length; d++) {
                    last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, strides[d]));
                }
            } catch (ArithmeticException e) {
                throw new AlbertException(file + ": " + what + " addresses elements beyond any storage (offset "
                        + elementOffset + ", shape " + info.shapeString() + ", strides " + Arrays.toString(strides) + ")");
            }
            if (last >= storageElements) {
                throw new AlbertException(file + ": " + what + " with storage offset " + elementOffset + ", shape "
                        + info.shapeString() + " and strides " + Arrays.toString(strides) + " needs element " + last
                        + " of a storage of only " + storageElements + " elements");
            }
        }
        return new StoredTensor(info, channel, file, storageStart, storageElements, elementOffset, strides);
    }

    static long[] rowMajorStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return strides;
    }

    static boolean isContiguous(long[] shape, long[] strides) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 0) {
                return true;
            }
            if (shape[d] != 1 && strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** Whether the elements are stored densely in row-major order. */
    boolean isContiguous() {
        return contiguous;
    }

    void copyTo(FloatBuffer destination, long chunkBytes) {
        DType dtype = info.dtype();
        if (!dtype.isFloatingPoint()) {
            throw new AlbertException(file + ": tensor " + AlbertException.quote(info.key()) + " has dtype " + dtype
                    + ", which cannot be read as float32 (only F32, F16, BF16 and F64 can)");
        }
        long n = info.elementCount();
        if (destination.remaining() < n) {
            throw new IllegalArgumentException("destination has " + destination.remaining()
                    + " floats remaining, tensor " + AlbertException.quote(info.key()) + " " + info.shapeString() + " needs " + n);
        }
        if (n == 0) {
            return;
        }
        int es = dtype.byteSize();
        try {
            if (contiguous) {
                long start = storageStart + elementOffset * es;
                checkFileLength(start + n * es);
                long perChunk = Math.max(1, chunkBytes / es);
                float[] scratch = dtype == DType.F32 ? null : new float[(int) Math.min(SCRATCH_FLOATS, n)];
                for (long done = 0; done < n; ) {
                    int count = (int) Math.min(perChunk, n - done);
                    MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, start + done * es, (long) count * es);
                    try {
                        convert(mapped.order(ByteOrder.LITTLE_ENDIAN), dtype, count, destination, scratch);
                    } finally {
                        Unmapper.unmap(mapped);
                    }
                    done += count;
                }
            } else {
                copyStrided(destination, es);
            }
        } catch (IOException e) {
            throw new AlbertException(file + ": cannot read tensor " + AlbertException.quote(info.key()) + ": " + e.getMessage(), e);
        }
    }

    private void checkFileLength(long end) throws IOException {
        long size = channel.size();
        if (end > size) {
            throw new AlbertException(file + ": tensor " + AlbertException.quote(info.key()) + " ends at byte " + end
                    + " but the file is now only " + size + " bytes (was it truncated after opening?)");
        }
    }

    private void copyStrided(FloatBuffer destination, int es) throws IOException {
        long[] shape = info.shape();
        long span = 1;
        for (int d = 0; d < shape.length; d++) {
            span += (shape[d] - 1) * strides[d];
        }
        long bytes = span * es;
        if (bytes > Integer.MAX_VALUE) {
            throw new AlbertException(file + ": tensor " + AlbertException.quote(info.key()) + " is stored non-contiguously (strides "
                    + Arrays.toString(strides) + ") over more than 2 GB; save it contiguous (tensor.contiguous())");
        }
        long start = storageStart + elementOffset * es;
        checkFileLength(start + bytes);
        MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, start, bytes);
        try {
            ByteBuffer src = mapped.order(ByteOrder.LITTLE_ENDIAN);
            long n = info.elementCount();
            int rank = shape.length;
            long[] index = new long[rank];
            long at = 0;
            DType dtype = info.dtype();
            for (long i = 0; i < n; i++) {
                destination.put(element(src, dtype, (int) (at * es)));
                for (int d = rank - 1; d >= 0; d--) {
                    index[d]++;
                    at += strides[d];
                    if (index[d] < shape[d]) {
                        break;
                    }
                    at -= strides[d] * shape[d];
                    index[d] = 0;
                }
            }
        } finally {
            Unmapper.unmap(mapped);
        }
    }

    private static float element(ByteBuffer src, DType dtype, int byteIndex) {
        return switch (dtype) {
            case F32 -> src.getFloat(byteIndex);
            case F16 -> halfToFloat(src.getShort(byteIndex));
            case BF16 -> bfloat16ToFloat(src.getShort(byteIndex));
            case F64 -> (float) src.getDouble(byteIndex);
            default -> throw new IllegalStateException(dtype.toString());
        };
    }

    /** Converts {@code count} little-endian elements at the start of {@code src} into {@code dst}. */
    static void convert(ByteBuffer src, DType dtype, int count, FloatBuffer dst, float[] scratch) {
        if (dtype == DType.F32) {
            FloatBuffer floats = src.asFloatBuffer();
            floats.limit(count);
            dst.put(floats);
            return;
        }
        for (int done = 0; done < count; ) {
            int n = Math.min(scratch.length, count - done);
            switch (dtype) {
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        scratch[i] = halfToFloat(src.getShort((done + i) * 2));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        scratch[i] = bfloat16ToFloat(src.getShort((done + i) * 2));
                    }
                }
                case F64 -> {
                    for (int i = 0; i < n; i++) {
                        scratch[i] = (float) src.getDouble((done + i) * 8);
                    }
                }
                default -> throw new IllegalStateException(dtype.toString());
            }
            dst.put(scratch, 0, n);
            done += n;
        }
    }

    /** IEEE 754 binary16 to binary32, exactly (subnormals, infinities and NaN payloads included). */
    static float halfToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa * 2^-24, exact in float32
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** bfloat16 is the upper half of a binary32. */
    static float bfloat16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** Releases a mapping eagerly instead of waiting for the garbage collector. */
    static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object unsafe = null;
            Method invokeCleaner = null;
            try {
                Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
                Field field = unsafeClass.getDeclaredField("theUnsafe");
                field.setAccessible(true);
                unsafe = field.get(null);
                invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
                invokeCleaner = null;
            }
            UNSAFE = unsafe;
            INVOKE_CLEANER = invokeCleaner;
        }

        private Unmapper() {
        }

        static void unmap(MappedByteBuffer buffer) {
            if (INVOKE_CLEANER == null) {
                return;
            }
            try {
                INVOKE_CLEANER.invoke(UNSAFE, buffer);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // leave it to the garbage collector
            }
        }
    }
}

package io.albert4j.tokenizer;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import io.albert4j.AlbertException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The one native call the tokenizer makes: SentencePiece's {@code EncodeAsPieces} through DJL.
 *
 * <p>Thread-safe. DJL's JNI functions keep no state besides the C++ processor, whose
 * {@code Encode} is a const method that SentencePiece documents as safe to call from several
 * threads at once, so encodes run concurrently under a shared read lock. {@link #close()} takes
 * the write lock: it waits for running encodes, and later calls fail with an exception instead
 * of touching freed native memory.
 */
final class NativeSentencePiece implements AutoCloseable {
    private final SpTokenizer tokenizer;
    private final SpProcessor processor;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    static {
        DjlTelemetry.optOut();
    }

    NativeSentencePiece(byte[] model, Path file) {
        try {
            tokenizer = new SpTokenizer(model);
        } catch (RuntimeException | LinkageError e) {
            throw new AlbertException("SentencePiece could not load " + file + ": " + e.getMessage(), e);
        }
        processor = tokenizer.getProcessor();
    }

    /** {@code EncodeAsPieces(text)}. */
    String[] pieces(String text) {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the tokenizer is closed");
            }
            return processor.tokenize(text);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                tokenizer.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}

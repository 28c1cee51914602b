package io.albert4j.hub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive right to write one blob: a lock within this JVM (the OS lock below is held per process,
 * so two threads need this too), then an OS lock on {@code .locks/models--org--name/{etag}.lock},
 * which another JVM waits for. Python's huggingface_hub locks the same file with {@code flock}, which
 * Linux keeps apart from the {@code fcntl} locks the JVM takes; both write to their own temporary
 * file and rename a verified blob into place, so the lock saves a second download but correctness
 * does not depend on it.
 */
final class BlobLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlobLock.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private BlobLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    static BlobLock acquire(Path lockFile) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        if (!threadLock.tryLock()) {
            LOG.info("waiting for another thread downloading the same file ({})", key);
            threadLock.lock();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                LOG.info("waiting for another process downloading the same file ({})", key);
                lock = channel.lock();
            }
            return new BlobLock(threadLock, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            threadLock.unlock();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            fileLock.release();
            channel.close();
        } finally {
            threadLock.unlock();
        }
    }
}

package io.albert4j.checkpoint;

import io.albert4j.AlbertException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Small positional-read helpers shared by the readers. Stateless and thread-safe. */
final class FileAccess {
    private static final byte[] LFS_POINTER = "version https://git-lfs".getBytes(StandardCharsets.US_ASCII);

    private FileAccess() {
    }

    static FileChannel openChannel(Path path) {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new AlbertException(path + ": checkpoint file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new AlbertException(path + ": checkpoint file is not readable (access denied)", e);
        } catch (IOException e) {
            throw new AlbertException(path + ": cannot open checkpoint file: " + e.getMessage(), e);
        }
    }

    /** Reads exactly {@code length} bytes at {@code position} into a little-endian heap buffer. */
    static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new EOFException("end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    /** Whether the file is a Git LFS pointer (the weights were never fetched). */
    static boolean isLfsPointer(FileChannel channel) {
        try {
            if (channel.size() < LFS_POINTER.length || channel.size() > 1024) {
                return false;
            }
            ByteBuffer head = read(channel, 0, LFS_POINTER.length);
            return head.equals(ByteBuffer.wrap(LFS_POINTER));
        } catch (IOException e) {
            return false;
        }
    }

    static AlbertException lfsPointer(String file) {
        return new AlbertException(file + ": this is a Git LFS pointer file, not the weights; fetch the real file "
                + "(git lfs pull) or download it again");
    }
}

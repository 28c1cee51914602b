package io.albert4j.checkpoint;

import io.albert4j.AlbertException;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers of the checkpoint tests. */
final class CheckpointTestSupport {
    private CheckpointTestSupport() {
    }

    /** Reads a whole tensor into a heap array, checking that exactly elementCount floats were written. */
    static float[] read(CheckpointReader reader, String key) {
        TensorInfo info = reader.tensors().get(key);
        assertTrue(info != null, "no tensor " + key + " in " + reader.source());
        float[] values = new float[Math.toIntExact(info.elementCount())];
        FloatBuffer buffer = FloatBuffer.wrap(values);
        reader.readFloat32(key, buffer);
        assertEquals(values.length, buffer.position(), "floats written for " + key);
        return values;
    }

    /**
     * Reads a whole tensor of a mapped checkpoint the way {@link MappedCheckpoint#readFloat32} does, but
     * mapping at most {@code chunkBytes} at a time (the production window is 1 GiB).
     */
    static float[] readChunked(MappedCheckpoint reader, String key, long chunkBytes) {
        StoredTensor tensor = reader.stored(key);
        assertTrue(tensor != null, "no tensor " + key + " in " + reader.source());
        float[] values = new float[Math.toIntExact(reader.tensors().get(key).elementCount())];
        FloatBuffer buffer = FloatBuffer.wrap(values);
        tensor.copyTo(buffer, chunkBytes);
        assertEquals(values.length, buffer.position(), "floats written for " + key);
        return values;
    }

    /** Asserts an AlbertException whose message contains every fragment; returns the message. */
    static String assertFails(Executable action, String... fragments) {
        AlbertException e = assertThrows(AlbertException.class, action);
        String message = e.getMessage();
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "message lacks '" + fragment + "': " + message);
        }
        return message;
    }

    /** A file under src/test/resources. */
    static Path resource(String relative) {
        try {
            java.net.URL url = CheckpointTestSupport.class.getResource("/" + relative);
            assertTrue(url != null, "missing test resource " + relative);
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path copy(Path from, Path to) {
        try {
            Files.createDirectories(to.toAbsolutePath().getParent());
            return Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

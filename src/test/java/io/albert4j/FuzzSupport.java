package io.albert4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shared by the fuzz tests ({@code @FuzzTest}, Jazzer): each asserts that a reader given arbitrary
 * bytes either succeeds or throws {@link AlbertException}; any other exception, a hang or a crash is
 * a finding. In {@code mvn test} they replay their regression corpus (seeds and past findings, under
 * {@code src/test/resources/.../<Test>Inputs/fuzz/}); {@code JAZZER_FUZZ=1} runs a campaign (README).
 */
public final class FuzzSupport {
    private FuzzSupport() {
    }

    /** A scratch file for readers that take a path: in /dev/shm when there is one, to keep runs fast. */
    public static Path scratch(String name) {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createDirectories(shm.resolve("albert4j-fuzz-" + ProcessHandle.current().pid()))
                    : Files.createTempDirectory("albert4j-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

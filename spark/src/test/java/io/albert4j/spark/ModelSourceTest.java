package io.albert4j.spark;

import io.albert4j.AlbertException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which model locations are copied through Hadoop, and what a bad location says (no Spark needed). */
class ModelSourceTest {
    @Test
    void plainPathsAreLocalAndUrisGoThroughHadoop() {
        assertFalse(ModelSource.isRemote("/models/albert"));
        assertFalse(ModelSource.isRemote("models/albert"));
        assertFalse(ModelSource.isRemote("C:\\models\\albert"));
        assertFalse(ModelSource.isRemote("C:/models/albert"));
        assertTrue(ModelSource.isRemote("hdfs://namenode:8020/models/albert"));
        assertTrue(ModelSource.isRemote("s3a://bucket/models/albert"));
        assertTrue(ModelSource.isRemote("file:///models/albert"));
    }

    @Test
    void aLocalPathIsUsedInPlace(@TempDir Path dir) {
        assertEquals(dir, ModelSource.localDirectory(dir.toString(), null));
    }

    @Test
    void aRemoteFileIsNotACheckpointDirectory(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), "{}");
        AlbertException e = assertThrows(AlbertException.class,
                () -> ModelSource.localDirectory(file.toUri().toString(), new Configuration()));
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    }

    @Test
    void aRemoteDirectoryWithTooManyEntriesIsRefused(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 65; i++) {
            Files.writeString(dir.resolve("file-" + i), "x");
        }
        AlbertException e = assertThrows(AlbertException.class,
                () -> ModelSource.localDirectory(dir.toUri().toString(), new Configuration()));
        assertTrue(e.getMessage().contains("holds 65 entries, expected at most 64"), e.getMessage());
    }

    @Test
    void aRemoteDirectoryIsCopiedFileByFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"a\": 1}");
        Files.createDirectory(dir.resolve("subdirectory"));
        Path copy = ModelSource.localDirectory(dir.toUri().toString(), new Configuration());
        try {
            assertEquals("{\"a\": 1}", Files.readString(copy.resolve("config.json")));
            assertFalse(Files.exists(copy.resolve("subdirectory")), "only the files of a checkpoint directory");
        } finally {
            ModelSource.deleteRecursively(copy);
        }
        assertFalse(Files.exists(copy));
    }
}

package io.albert4j.checkpoint;

import io.albert4j.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.albert4j.checkpoint.CheckpointTestSupport.assertFails;
import static io.albert4j.checkpoint.CheckpointTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fixture split into two shards plus an index reads exactly like the single file. */
class ShardedCheckpointTest {

    @TempDir
    Path tmp;

    private CheckpointReader original;
    private List<String> keys;

    @BeforeEach
    void openOriginal() {
        original = SafetensorsFile.open(Fixtures.modelDir("albert-tiny-pretraining").resolve("model.safetensors"));
        keys = List.copyOf(original.tensors().keySet());
    }

    @org.junit.jupiter.api.AfterEach
    void closeOriginal() {
        original.close();
    }

    private static String index(List<String> keys, String firstShard, String secondShard) {
        return keys.stream().map(k -> "\"" + k + "\": \"" + (keys.indexOf(k) < keys.size() / 2 ? firstShard : secondShard) + "\"")
                .collect(Collectors.joining(",\n", "{\"metadata\": {\"total_size\": 2130312},\n\"weight_map\": {\n", "}}"));
    }

    private void writeSafetensorsShards(Path dir) {
        SafetensorsWriter first = new SafetensorsWriter();
        SafetensorsWriter second = new SafetensorsWriter();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            (i < keys.size() / 2 ? first : second).f32(key, original.tensors().get(key).shape(), read(original, key));
        }
        first.write(dir.resolve("model-00001-of-00002.safetensors"));
        second.write(dir.resolve("model-00002-of-00002.safetensors"));
    }

    private void assertSameAsOriginal(CheckpointReader sharded) {
        assertEquals(keys, List.copyOf(sharded.tensors().keySet()));
        for (String key : keys) {
            assertEquals(original.tensors().get(key), sharded.tensors().get(key));
            assertArrayEquals(read(original, key), read(sharded, key), key);
        }
    }

    @Test
    void shardedSafetensorsReadLikeTheSingleFile() throws IOException {
        writeSafetensorsShards(tmp);
        Files.writeString(tmp.resolve(Checkpoints.SAFETENSORS_INDEX),
                index(keys, "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"));
        try (CheckpointReader sharded = Checkpoints.open(tmp)) {
            assertInstanceOf(ShardedCheckpoint.class, sharded);
            assertEquals(tmp.resolve(Checkpoints.SAFETENSORS_INDEX).toString(), sharded.source());
            assertSameAsOriginal(sharded);
        }
    }

    @Test
    void shardedPytorchBinReadsLikeTheSingleFile() throws IOException {
        TorchWriter first = new TorchWriter();
        TorchWriter second = new TorchWriter();
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            (i < keys.size() / 2 ? first : second).f32(key, original.tensors().get(key).shape(), read(original, key));
        }
        TorchWriter.write(tmp.resolve("pytorch_model-00001-of-00002.bin"), first.zip("pytorch_model-00001-of-00002", false));
        TorchWriter.write(tmp.resolve("pytorch_model-00002-of-00002.bin"), second.legacy());
        Files.writeString(tmp.resolve(Checkpoints.PYTORCH_INDEX),
                index(keys, "pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"));
        try (CheckpointReader sharded = Checkpoints.open(tmp)) {
            assertEquals(tmp.resolve(Checkpoints.PYTORCH_INDEX).toString(), sharded.source());
            assertSameAsOriginal(sharded);
        }
    }

    @Test
    void badIndexes() throws IOException {
        writeSafetensorsShards(tmp);
        Path index = tmp.resolve(Checkpoints.SAFETENSORS_INDEX);
        String first = "model-00001-of-00002.safetensors";
        String second = "model-00002-of-00002.safetensors";

        Files.writeString(index, index(keys, first, "../../etc/passwd"));
        assertFails(() -> Checkpoints.open(tmp), index.toString(), "'../../etc/passwd'", "not a file inside");

        Files.writeString(index, index(keys, first, "/etc/passwd"));
        assertFails(() -> Checkpoints.open(tmp), "'/etc/passwd'", "not a file inside");

        Files.writeString(index, index(keys, first, "model-00003-of-00002.safetensors"));
        assertFails(() -> Checkpoints.open(tmp), "shard 'model-00003-of-00002.safetensors'", "does not exist");

        // every key put in the first shard: the second half is not there
        Files.writeString(index, index(keys, first, first));
        String message = assertFails(() -> Checkpoints.open(tmp), "puts '" + keys.get(keys.size() / 2) + "'",
                "shard '" + first + "'", "has no such tensor");
        assertTrue(message.contains(index.toString()), message);

        Files.writeString(index, "{\"metadata\": {}}");
        assertFails(() -> Checkpoints.open(tmp), "no \"weight_map\"");

        Files.writeString(index, "{\"weight_map\": {\"a\": ");
        assertFails(() -> Checkpoints.open(tmp), index.toString(), "malformed JSON");

        Files.writeString(index, index(keys, first, second));
        try (CheckpointReader ok = Checkpoints.open(tmp)) {
            assertEquals(keys.size(), ok.tensors().size());
        }
        // a corrupt shard is reported as such
        Files.write(tmp.resolve(second), new byte[]{1, 2, 3});
        assertFails(() -> Checkpoints.open(tmp), tmp.resolve(second).toString(), "truncated");
    }

    @Test
    void shardTensorsMissingFromTheIndexAreKept() throws IOException {
        writeSafetensorsShards(tmp);
        List<String> mapped = new ArrayList<>(keys);
        String dropped = mapped.remove(0);
        Files.writeString(tmp.resolve(Checkpoints.SAFETENSORS_INDEX),
                mapped.stream().map(k -> "\"" + k + "\": \"" + (keys.indexOf(k) < keys.size() / 2
                                ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors") + "\"")
                        .collect(Collectors.joining(",", "{\"weight_map\": {", "}}")));
        try (CheckpointReader sharded = Checkpoints.open(tmp)) {
            assertTrue(sharded.tensors().containsKey(dropped));
            assertArrayEquals(read(original, dropped), read(sharded, dropped));
        }
    }
}

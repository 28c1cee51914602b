package io.albert4j.checkpoint;

import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.albert4j.checkpoint.CheckpointTestSupport.assertFails;
import static io.albert4j.checkpoint.CheckpointTestSupport.copy;
import static io.albert4j.checkpoint.SafetensorsWriter.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

class CheckpointsTest {

    @TempDir
    Path tmp;

    @Test
    void directoryWithoutWeights() throws IOException {
        Files.writeString(tmp.resolve("config.json"), "{}");
        assertFails(() -> Checkpoints.open(tmp), "no model weights", tmp.toAbsolutePath().toString(),
                "model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json");
        Files.writeString(tmp.resolve("tf_model.h5"), "x");
        assertFails(() -> Checkpoints.open(tmp), "TensorFlow and Flax weights are not supported");
        Path absent = tmp.resolve("nowhere");
        assertFails(() -> Checkpoints.open(absent), absent.toAbsolutePath().toString(), "does not exist");
    }

    @Test
    void preferenceOrder() throws IOException {
        Path fixture = Fixtures.modelDir("albert-tiny-pretraining");
        copy(fixture.resolve("pytorch_model.bin"), tmp.resolve(Checkpoints.PYTORCH));
        Files.writeString(tmp.resolve(Checkpoints.PYTORCH_INDEX), "not even json");
        try (CheckpointReader r = Checkpoints.open(tmp)) {
            assertEquals(tmp.resolve(Checkpoints.PYTORCH).toString(), r.source(), "bin before its index");
        }
        new SafetensorsWriter().f32("a", shape(1), 1f).write(tmp.resolve("model-00001-of-00001.safetensors"));
        Files.writeString(tmp.resolve(Checkpoints.SAFETENSORS_INDEX),
                "{\"weight_map\": {\"a\": \"model-00001-of-00001.safetensors\"}}");
        try (CheckpointReader r = Checkpoints.open(tmp)) {
            assertEquals(tmp.resolve(Checkpoints.SAFETENSORS_INDEX).toString(), r.source(), "safetensors index before bin");
        }
        copy(fixture.resolve("model.safetensors"), tmp.resolve(Checkpoints.SAFETENSORS));
        try (CheckpointReader r = Checkpoints.open(tmp)) {
            assertEquals(tmp.resolve(Checkpoints.SAFETENSORS).toString(), r.source(), "model.safetensors first");
        }
        // a weights file may be named directly
        try (CheckpointReader r = Checkpoints.open(tmp.resolve(Checkpoints.PYTORCH))) {
            assertEquals(34, r.tensors().size());
        }
    }
}

package io.albert4j.checkpoint;

import io.albert4j.Fixtures;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.albert4j.checkpoint.CheckpointTestSupport.bytes;
import static io.albert4j.checkpoint.CheckpointTestSupport.copy;
import static io.albert4j.checkpoint.CheckpointTestSupport.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fixtures' pytorch_model.bin files (albert-tiny-pretraining: zip format; albert-tiny-qa: legacy
 * pre-1.6 format) hold exactly the tensors of their model.safetensors, bit for bit.
 */
class TorchVersusSafetensorsTest {

    @ParameterizedTest(name = "{0} ({1})")
    @CsvSource({"albert-tiny-pretraining, zip", "albert-tiny-qa, legacy"})
    void binHoldsTheSameTensorsAsSafetensors(String model, String format) {
        Path dir = Fixtures.modelDir(model);
        Path bin = dir.resolve("pytorch_model.bin");
        byte[] head = bytes(bin);
        // the premise: which container each fixture uses
        if (format.equals("zip")) {
            assertEquals('P', head[0]);
            assertEquals('K', head[1]);
        } else {
            assertEquals(0x80, head[0] & 0xff);
        }
        try (CheckpointReader st = SafetensorsFile.open(dir.resolve("model.safetensors"));
             CheckpointReader pt = TorchFile.open(bin)) {
            assertTrue(st.tensors().size() > 20, "safetensors tensors: " + st.tensors().size());
            Set<String> extra = new HashSet<>(pt.tensors().keySet());
            extra.removeAll(st.tensors().keySet());
            Set<String> missing = new HashSet<>(st.tensors().keySet());
            missing.removeAll(pt.tensors().keySet());
            assertEquals(Set.of(), missing, "keys of the safetensors missing from the .bin");
            // save_pretrained drops tied weights from safetensors only; the .bin keeps them
            assertEquals(model.equals("albert-tiny-pretraining")
                    ? Set.of("predictions.decoder.weight", "predictions.decoder.bias") : Set.of(), extra);

            List<String> compared = new ArrayList<>();
            for (TensorInfo info : st.tensors().values()) {
                TensorInfo other = pt.tensors().get(info.key());
                assertEquals(info, other, "info of " + info.key());
                assertEquals(DType.F32, other.dtype());
                float[] expected = read(st, info.key());
                float[] actual = read(pt, info.key());
                assertArrayEquals(expected, actual, info.key());
                compared.add(info.key());
            }
            assertEquals(st.tensors().size(), compared.size());
            if (!extra.isEmpty()) {
                assertArrayEquals(read(st, "albert.embeddings.word_embeddings.weight"), read(pt, "predictions.decoder.weight"));
                assertArrayEquals(read(st, "predictions.bias"), read(pt, "predictions.decoder.bias"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"albert-tiny-pretraining", "albert-tiny-qa"})
    void directoryWithOnlyTheBinOpensTheBin(String model, @TempDir Path tmp) {
        Path dir = Fixtures.modelDir(model);
        copy(dir.resolve("pytorch_model.bin"), tmp.resolve("pytorch_model.bin"));
        try (CheckpointReader reader = Checkpoints.open(tmp);
             CheckpointReader st = Checkpoints.open(dir)) {
            assertEquals(tmp.resolve("pytorch_model.bin").toString(), reader.source());
            assertEquals(dir.resolve("model.safetensors").toString(), st.source(), "safetensors is preferred");
            String key = "albert.encoder.embedding_hidden_mapping_in.weight";
            assertArrayEquals(read(st, key), read(reader, key));
        }
    }
}

package io.albert4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code tie_word_embeddings: false} (written explicitly by transformers 5) makes the masked-LM
 * decoder the checkpoint's own {@code predictions.decoder.weight} instead of the word embeddings.
 */
class UntiedDecoderTest {
    private static final int VOCAB = 30000;
    private static final int EMBEDDING = 16;

    @Test
    void anUntiedZeroDecoderLeavesOnlyTheBias(@TempDir Path dir) throws IOException {
        Path source = Fixtures.v5ModelDir("albert-tiny-maskedlm");
        writeConfig(source, dir, false);
        writeWeightsWithZeroDecoder(source.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        try (AlbertModel untied = AlbertModel.load(dir)) {
            AlbertOutput out = untied.forward(AlbertInput.of(new int[][] {{2, 48, 25, 3}}, new int[][] {{0, 0, 0, 0}},
                    new int[][] {{1, 1, 1, 1}}));
            float[] bias = readBias(source);
            for (int position = 0; position < 4; position++) {
                assertArrayEquals(bias, out.predictionLogits().get(NDArrayIndex.point(0), NDArrayIndex.point(position))
                        .toFloatVector(), 0f,
                        "logits at " + position);
            }
        }
    }

    @Test
    void untiedWithoutADecoderWeightNamesTheKey(@TempDir Path dir) throws IOException {
        Path source = Fixtures.v5ModelDir("albert-tiny-maskedlm");
        writeConfig(source, dir, false);
        Files.copy(source.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        AlbertException e = assertThrows(AlbertException.class, () -> AlbertModel.load(dir).close());
        assertTrue(e.getMessage().contains("predictions.decoder.weight"), e.getMessage());
    }

    private static void writeConfig(Path source, Path dir, boolean tie) throws IOException {
        ObjectNode config = (ObjectNode) Golden.read(source.resolve("config.json"));
        config.put("tie_word_embeddings", tie);
        Files.writeString(dir.resolve("config.json"), config.toString());
    }

    /** predictions.bias straight from the file (F32, little-endian). */
    private static float[] readBias(Path source) {
        try {
            byte[] file = Files.readAllBytes(source.resolve("model.safetensors"));
            long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            ObjectNode header = (ObjectNode) Golden.parse(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
            int begin = header.get("predictions.bias").get("data_offsets").get(0).intValue();
            float[] out = new float[VOCAB];
            ByteBuffer data = ByteBuffer.wrap(file, 8 + (int) headerLength + begin, VOCAB * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < VOCAB; i++) {
                out[i] = data.getFloat();
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The fixture's tensors plus a zero {@code predictions.decoder.weight} appended after them. */
    private static void writeWeightsWithZeroDecoder(Path from, Path to) throws IOException {
        byte[] file = Files.readAllBytes(from);
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) Golden.parse(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
        int dataLength = file.length - 8 - (int) headerLength;
        ObjectNode decoder = header.putObject("predictions.decoder.weight");
        decoder.put("dtype", "F32");
        decoder.putArray("shape").add(VOCAB).add(EMBEDDING);
        decoder.putArray("data_offsets").add(dataLength).add(dataLength + VOCAB * EMBEDDING * 4);
        byte[] newHeader = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + newHeader.length + dataLength + VOCAB * EMBEDDING * 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(newHeader.length).put(newHeader).put(file, 8 + (int) headerLength, dataLength);
        Files.write(to, out.array());
    }
}

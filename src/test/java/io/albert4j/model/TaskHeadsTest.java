package io.albert4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.AlbertException;
import io.albert4j.Fixtures;
import io.albert4j.Golden;
import io.albert4j.checkpoint.StateDict;
import io.albert4j.config.AlbertConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heads of each architecture ({@link TaskHeads}), each loaded from its own weight scope: a
 * missing or misshapen head weight is refused with its full key and the expected and found shapes.
 */
class TaskHeadsTest {

    static Stream<Arguments> headsOfEachArchitecture() {
        return Stream.of(
                Arguments.of("albert-tiny-pretraining", List.of(AlbertMLMHead.class, AlbertSOPHead.class)),
                Arguments.of("albert-tiny-maskedlm", List.of(AlbertMLMHead.class)),
                Arguments.of("albert-tiny-seqcls", List.of(SequenceClassificationHead.class)),
                Arguments.of("albert-tiny-tokcls", List.of(TokenClassificationHead.class)),
                Arguments.of("albert-tiny-qa", List.of(QuestionAnsweringHead.class)),
                Arguments.of("albert-tiny-multichoice", List.of(MultipleChoiceHead.class)),
                Arguments.of("albert-tiny-groups", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headsOfEachArchitecture")
    void eachArchitectureHasItsHeads(String model, List<Class<?>> expected) {
        Path dir = Fixtures.modelDir(model);
        AlbertConfig config = AlbertConfig.load(dir);
        try (StateDict weights = StateDict.open(dir)) {
            Lifecycle lifecycle = new Lifecycle();
            List<TaskHead> heads = TaskHeads.load(Architecture.of(config), WeightScope.root(weights), config,
                    weights.require("albert.embeddings.word_embeddings.weight"), lifecycle);
            assertEquals(expected, heads.stream().map(Object::getClass).toList());
            assertEquals(Architecture.of(config).hasMaskedLm(), heads.stream().anyMatch(h -> h instanceof AlbertMLMHead),
                    "Architecture.hasMaskedLm agrees with the heads");
            lifecycle.close(() -> weights.createdArrays().forEach(a -> a.close()));
        }
    }

    /** One weight of every head type, with the fixture that has the head. */
    static Stream<Arguments> headWeights() {
        return Stream.of(
                Arguments.of("albert-tiny-maskedlm", "predictions.dense.weight"),
                Arguments.of("albert-tiny-maskedlm", "predictions.bias"),
                Arguments.of("albert-tiny-pretraining", "predictions.LayerNorm.weight"),
                Arguments.of("albert-tiny-pretraining", "sop_classifier.classifier.weight"),
                Arguments.of("albert-tiny-pretraining", "sop_classifier.classifier.bias"),
                Arguments.of("albert-tiny-seqcls", "classifier.weight"),
                Arguments.of("albert-tiny-seqcls", "classifier.bias"),
                Arguments.of("albert-tiny-tokcls", "classifier.weight"),
                Arguments.of("albert-tiny-tokcls", "classifier.bias"),
                Arguments.of("albert-tiny-qa", "qa_outputs.weight"),
                Arguments.of("albert-tiny-qa", "qa_outputs.bias"),
                Arguments.of("albert-tiny-multichoice", "classifier.weight"),
                Arguments.of("albert-tiny-multichoice", "classifier.bias"),
                Arguments.of("albert-tiny-pretraining", "albert.pooler.weight"));
    }

    @ParameterizedTest(name = "{0} without {1}")
    @MethodSource("headWeights")
    void missingHeadWeightIsNamedWithItsExpectedShape(String model, String key, @TempDir Path tmp) throws IOException {
        long[] expected = rewrite(model, key, false, tmp);
        String m = assertThrows(AlbertException.class, () -> AlbertModel.load(tmp)).getMessage();
        assertTrue(m.contains("has no tensor '" + key + "' of shape " + Arrays.toString(expected)), m);
        assertTrue(m.contains("model.safetensors"), m);
    }

    @ParameterizedTest(name = "{0} with a misshapen {1}")
    @MethodSource("headWeights")
    void misshapenHeadWeightIsNamedWithExpectedAndFoundShapes(String model, String key, @TempDir Path tmp)
            throws IOException {
        long[] expected = rewrite(model, key, true, tmp);
        long[] found = oneMoreRow(expected);
        String m = assertThrows(AlbertException.class, () -> AlbertModel.load(tmp)).getMessage();
        assertTrue(m.contains("tensor '" + key + "' has shape " + Arrays.toString(found)
                + ", expected " + Arrays.toString(expected)), m);
    }

    @Test
    void scopesPrefixKeys() {
        try (StateDict weights = StateDict.open(Fixtures.modelDir("albert-tiny-seqcls"))) {
            WeightScope pooler = WeightScope.root(weights).pp("albert").pp("pooler");
            assertEquals("albert.pooler.weight", pooler.key("weight"));
            assertTrue(pooler.contains("weight"));
            String m = assertThrows(AlbertException.class, () -> pooler.require("weight", 48, 47)).getMessage();
            assertTrue(m.contains("'albert.pooler.weight' has shape [48, 48], expected [48, 47]"), m);
            weights.createdArrays().forEach(a -> a.close());
        }
    }

    /**
     * Copies the fixture's config.json and its model.safetensors without {@code key}, or, when
     * {@code misshapen}, with {@code key} one row longer (zeros). Returns the key's stored shape.
     */
    private static long[] rewrite(String model, String key, boolean misshapen, Path tmp) throws IOException {
        Path source = Fixtures.modelDir(model);
        Files.copy(source.resolve("config.json"), tmp.resolve("config.json"));
        byte[] file = Files.readAllBytes(source.resolve("model.safetensors"));
        int headerLength = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) Golden.parse(new String(file, 8, headerLength, StandardCharsets.UTF_8));
        assertTrue(header.has(key), model + " should store " + key);
        long[] shape = shape(header.get(key).get("shape"));
        ObjectNode out = Golden.JSON.createObjectNode();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> tensor = it.next();
            if (tensor.getKey().equals("__metadata__")) {
                out.set(tensor.getKey(), tensor.getValue());
            } else if (!tensor.getKey().equals(key)) {
                JsonNode offsets = tensor.getValue().get("data_offsets");
                int begin = 8 + headerLength + offsets.get(0).intValue();
                int end = 8 + headerLength + offsets.get(1).intValue();
                add(out, data, tensor.getKey(), shape(tensor.getValue().get("shape")),
                        Arrays.copyOfRange(file, begin, end));
            }
        }
        if (misshapen) {
            long[] longer = oneMoreRow(shape);
            add(out, data, key, longer, new byte[Math.toIntExact(4 * Arrays.stream(longer).reduce(1, Math::multiplyExact))]);
        }
        byte[] newHeader = out.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + newHeader.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(newHeader.length).put(newHeader).put(data.toByteArray());
        Files.write(tmp.resolve("model.safetensors"), bytes.array());
        return shape;
    }

    private static long[] shape(JsonNode dims) {
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i).longValue();
        }
        return shape;
    }

    private static void add(ObjectNode header, ByteArrayOutputStream data, String key, long[] shape, byte[] f32) {
        ObjectNode tensor = header.putObject(key);
        tensor.put("dtype", "F32");
        Arrays.stream(shape).forEach(tensor.putArray("shape")::add);
        tensor.putArray("data_offsets").add(data.size()).add(data.size() + f32.length);
        data.writeBytes(f32);
    }

    private static long[] oneMoreRow(long[] shape) {
        long[] longer = shape.clone();
        longer[0]++;
        return longer;
    }
}

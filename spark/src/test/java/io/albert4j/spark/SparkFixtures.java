package io.albert4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The golden fixtures (the root project's copy of ../shared/fixtures, put on the test classpath by
 * this pom) and the one local[2] SparkSession a test class uses. A missing fixture fails.
 */
final class SparkFixtures {
    private static final List<String> TOKENIZER_FILES =
            List.of("spiece.model", "tokenizer_config.json", "special_tokens_map.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COPIED = new HashSet<>();

    private SparkFixtures() {
    }

    /** A checkpoint directory in Hugging Face layout (weights, config, tokenizer) for a tiny model. */
    static synchronized Path modelDir(String model) {
        Path target = Path.of("target", "fixture-models", model).toAbsolutePath();
        if (!COPIED.add(model)) {
            return target;
        }
        try {
            Files.createDirectories(target);
            for (String name : List.of("config.json", "model.safetensors")) {
                Files.copy(resource("models/" + model + "/" + name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            for (String name : TOKENIZER_FILES) {
                Files.copy(resource("tokenizer/" + name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /**
     * The transformers-5 NLI checkpoint (v5/: config.json, albert-tiny-seqcls-v5's weights, the fast
     * tokenizer's tokenizer.json), for zero-shot classification.
     */
    static synchronized Path v5NliModelDir() {
        Path target = Path.of("target", "fixture-models-v5", "albert-tiny-seqcls-nli-v5").toAbsolutePath();
        if (!COPIED.add("v5-nli")) {
            return target;
        }
        try {
            Files.createDirectories(target);
            Files.copy(resource("v5/models/albert-tiny-seqcls-nli-v5/config.json"), target.resolve("config.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(resource("v5/models/albert-tiny-seqcls-v5/model.safetensors"), target.resolve("model.safetensors"),
                    StandardCopyOption.REPLACE_EXISTING);
            for (String name : List.of("tokenizer.json", "tokenizer_config.json")) {
                Files.copy(resource("v5/tokenizer/" + name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The transformers-5 reference pipeline outputs of a model (v5/golden/MODEL.json, "pipelines"). */
    static JsonNode v5GoldenPipelines(String model) {
        try {
            return JSON.readTree(resource("v5/golden/" + model + ".json").toFile()).get("pipelines");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference pipeline outputs of a model (golden/MODEL.json, "pipelines"). */
    static JsonNode goldenPipelines(String model) {
        try {
            return JSON.readTree(resource("golden/" + model + ".json").toFile()).get("pipelines");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One local[2] session: 2 task slots, loopback only, no UI, models freed when it stops. */
    static SparkSession session(String name) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.plugins", AlbertSparkPlugin.class.getName())
                .getOrCreate();
    }

    private static Path resource(String relative) {
        URL url = SparkFixtures.class.getResource("/fixtures/" + relative);
        if (url == null) {
            throw new IllegalStateException("test fixture missing: ../src/test/resources/fixtures/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

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

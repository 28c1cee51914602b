package io.albert4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Locates the golden fixtures copied from {@code ../shared/fixtures} into the test resources.
 * The tokenizer files are stored once and joined with each model's weights into a checkpoint
 * directory in Hugging Face layout under {@code target/fixture-models}. A missing fixture fails
 * the test; nothing is skipped.
 */
public final class Fixtures {
    /** The tiny checkpoints, in the order the fixture README lists them. */
    public static final List<String> TINY_MODELS = List.of(
            "albert-tiny-pretraining", "albert-tiny-maskedlm", "albert-tiny-seqcls", "albert-tiny-qa",
            "albert-tiny-tokcls", "albert-tiny-multichoice", "albert-tiny-groups");

    private static final List<String> TOKENIZER_FILES =
            List.of("spiece.model", "tokenizer_config.json", "special_tokens_map.json");
    private static final List<String> MODEL_FILES =
            List.of("config.json", "model.safetensors", "pytorch_model.bin");

    private Fixtures() {
    }

    /** A resource under {@code src/test/resources/fixtures}, as a file path. */
    public static Path resource(String relative) {
        return classpathFile("/fixtures/" + relative);
    }

    /** The demo model's fixed held-out evaluation sample, written by scripts/train_demo_model.py. */
    public static Path demoHeldOutSample() {
        return classpathFile("/demo/heldout-sample.json");
    }

    private static Path classpathFile(String absolute) {
        URL url = Fixtures.class.getResource(absolute);
        if (url == null) {
            throw new IllegalStateException("test resource missing: src/test/resources" + absolute);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path golden(String model) {
        return resource("golden/" + model + ".json");
    }

    public static Path tokenizerCases() {
        return resource("tokenizer/albert-base-v2-cases.json");
    }

    /** Directory holding spiece.model, tokenizer_config.json and special_tokens_map.json. */
    public static Path tokenizerDir() {
        return resource("tokenizer/spiece.model").getParent();
    }

    /** A complete checkpoint directory (weights, config and tokenizer files) for a tiny model. */
    public static synchronized Path modelDir(String model) {
        Path source = resource("models/" + model + "/config.json").getParent();
        Path target = Path.of("target", "fixture-models", model).toAbsolutePath();
        try {
            Files.createDirectories(target);
            for (String name : MODEL_FILES) {
                copyIfPresent(source.resolve(name), target.resolve(name));
            }
            for (String name : TOKENIZER_FILES) {
                copyIfPresent(tokenizerDir().resolve(name), target.resolve(name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Whether the fixture ships a pytorch_model.bin beside its safetensors. */
    public static boolean hasBin(String model) {
        return Fixtures.class.getResource("/fixtures/models/" + model + "/pytorch_model.bin") != null;
    }

    /** A checkpoint directory whose only weights file is {@code weightsFile} (to test each reader). */
    public static synchronized Path modelDirWith(String model, String weightsFile) {
        Path full = modelDir(model);
        Path target = full.resolveSibling(model + "-" + weightsFile.replace('.', '_'));
        try {
            Files.createDirectories(target);
            for (String name : List.of("config.json", weightsFile)) {
                Files.copy(full.resolve(name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            for (String name : TOKENIZER_FILES) {
                Files.copy(full.resolve(name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** The transformers-5 tokenizer cases ({@code v5/tokenizer/albert-base-v2-fast-cases.json}). */
    public static Path fastTokenizerCases() {
        return resource("v5/tokenizer/albert-base-v2-fast-cases.json");
    }

    /**
     * A transformers-5 tokenizer directory: {@code tokenizer.json} and {@code tokenizer_config.json}
     * as transformers 5.17 writes them (byte-identical in every v5 fixture folder, stored once).
     */
    public static Path v5TokenizerDir() {
        return resource("v5/tokenizer/tokenizer.json").getParent();
    }

    public static Path v5Golden(String model) {
        return resource("v5/golden/" + model + ".json");
    }

    /**
     * A transformers-5 checkpoint directory for a tiny model ({@code name} without the
     * {@code -v5} suffix), as {@code save_pretrained} 5.17 writes it: config.json,
     * model.safetensors, tokenizer.json, tokenizer_config.json, and no spiece.model.
     * albert-tiny-seqcls-nli's weights are albert-tiny-seqcls-v5's (byte-identical, stored once).
     */
    public static synchronized Path v5ModelDir(String name) {
        Path source = resource("v5/models/" + name + "-v5/config.json").getParent();
        String weightsOf = name.equals("albert-tiny-seqcls-nli") ? "albert-tiny-seqcls" : name;
        Path weights = resource("v5/models/" + weightsOf + "-v5/model.safetensors");
        Path target = Path.of("target", "fixture-models-v5", name + "-v5").toAbsolutePath();
        try {
            Files.createDirectories(target);
            Files.copy(source.resolve("config.json"), target.resolve("config.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(weights, target.resolve("model.safetensors"), StandardCopyOption.REPLACE_EXISTING);
            for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
                Files.copy(v5TokenizerDir().resolve(file), target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** albert-base-random lives only in ../shared (45 MB); its tests run where that exists. */
    public static Path sharedBaseRandom() {
        Path dir = Path.of("..", "shared", "fixtures", "models", "albert-base-random").toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            throw new IllegalStateException("albert-base-random not found at " + dir);
        }
        return dir;
    }


    private static void copyIfPresent(Path from, Path to) throws IOException {
        if (Files.exists(from)) {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}

package io.albert4j.cli;

import io.albert4j.AlbertException;
import io.albert4j.hub.HubModelResolver;
import io.albert4j.hub.HubOptions;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A checkpoint directory's model and tokenizer, loaded together for one CLI run. */
record LoadedModel(Path dir, AlbertModel model, AlbertTokenizer tokenizer) implements AutoCloseable {
    /** The default model's classpath location, used when --model is absent. */
    static final String DEFAULT_MODEL = "models/albert-demo";

    /** The model {@code --model} names (or the demo model) and its tokenizer in the mode {@code --tokenizer} names. */
    static LoadedModel load(ModelOption model, TokenizerOption tokenizer, Console console) {
        TokenizerMode mode = tokenizer.mode();
        Path dir = resolve(model.model, console);
        AlbertModel loaded = AlbertModel.load(dir);
        try {
            return new LoadedModel(dir, loaded, AlbertTokenizer.load(dir, mode));
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    /**
     * --model DIR or Hub id (org/name[@revision], through Hugging Face's cache, with a progress bar
     * on stderr), or the demo model this jar carries.
     */
    static Path resolve(String option, Console console) {
        if (option == null) {
            return EmbeddedDemoModel.DIR;
        }
        if (!HubModelResolver.isExistingPath(option)) {
            HubOptions hub = HubOptions.fromEnvironment().withListener(new ProgressBar(console.err()));
            return new HubModelResolver(hub).resolve(option);
        }
        Path dir = Path.of(option);
        if (!Files.isDirectory(dir)) {
            throw new AlbertException("--model must be a checkpoint directory or a Hub id, found the file " + dir);
        }
        return dir;
    }

    /**
     * The default model, read from the classpath (albert.jar carries it) and copied once per process
     * into a temporary directory, removed at exit: the checkpoint reader memory-maps its weights,
     * which needs a file. The holder class makes the copy lazy and thread-safe.
     */
    private static final class EmbeddedDemoModel {
        private static final List<String> FILES = List.of("config.json", "model.safetensors", "spiece.model",
                "tokenizer_config.json", "special_tokens_map.json");
        static final Path DIR = extract();

        private static Path extract() {
            if (LoadedModel.class.getResource("/" + DEFAULT_MODEL + "/config.json") == null) {
                throw new AlbertException("no --model given, and the default model " + DEFAULT_MODEL
                        + " is not on the classpath (albert.jar carries it; the library jar does not)");
            }
            try {
                Path dir = Files.createTempDirectory("albert-demo-");
                dir.toFile().deleteOnExit();
                for (String name : FILES) {
                    try (InputStream in = LoadedModel.class.getResourceAsStream("/" + DEFAULT_MODEL + "/" + name)) {
                        if (in != null) {
                            Path file = dir.resolve(name);
                            file.toFile().deleteOnExit();
                            Files.copy(in, file);
                        }
                    }
                }
                return dir;
            } catch (IOException e) {
                throw new AlbertException("could not copy the default model " + DEFAULT_MODEL
                        + " to a temporary directory (java.io.tmpdir=" + System.getProperty("java.io.tmpdir")
                        + "): " + e, e);
            }
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}

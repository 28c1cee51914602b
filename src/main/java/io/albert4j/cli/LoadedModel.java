package io.albert4j.cli;

import io.albert4j.AlbertException;
import io.albert4j.hub.HubModelResolver;
import io.albert4j.hub.HubOptions;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A checkpoint directory's model and tokenizer, loaded together for one CLI run. */
record LoadedModel(Path dir, AlbertModel model, AlbertTokenizer tokenizer) implements AutoCloseable {
    /** The project's embedded default model, used when --model is absent. */
    static final String DEFAULT_MODEL = "models/albert-demo";

    static LoadedModel load(CliArgs args, Console console) {
        Path dir = resolve(args.value("--model"), console);
        AlbertModel model = AlbertModel.load(dir);
        try {
            return new LoadedModel(dir, model, loadTokenizer(dir, args));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The tokenizer of {@code dir} in the mode {@code --tokenizer fast|slow} names (fast by default). */
    static AlbertTokenizer loadTokenizer(Path dir, CliArgs args) {
        return AlbertTokenizer.load(dir, tokenizerMode(args));
    }

    /** {@code --tokenizer fast|slow} (fast by default), also what {@code serve} starts its server with. */
    static TokenizerMode tokenizerMode(CliArgs args) {
        String mode = args.value("--tokenizer", "fast");
        return switch (mode) {
            case "fast" -> TokenizerMode.FAST;
            case "slow" -> TokenizerMode.SLOW;
            default -> throw new CliException("--tokenizer must be fast or slow, found \"" + mode + "\"");
        };
    }

    /**
     * --model DIR or Hub id (org/name[@revision], through Hugging Face's cache, with a progress bar
     * on stderr), or models/albert-demo beside the working directory or beside the jar.
     */
    static Path resolve(String option, Console console) {
        if (option != null) {
            if (HubModelResolver.isExistingPath(option)) {
                Path dir = Path.of(option);
                if (!Files.isDirectory(dir)) {
                    throw new AlbertException("--model must be a checkpoint directory or a Hub id, found the file " + dir);
                }
                return dir;
            }
            HubOptions hub = HubOptions.fromEnvironment().withListener(new ProgressBar(console.err()));
            return new HubModelResolver(hub).resolve(option);
        }
        Path local = Path.of(DEFAULT_MODEL);
        if (Files.isDirectory(local)) {
            return local;
        }
        Path besideJar = jarDirectory().resolve("..").resolve(DEFAULT_MODEL).normalize();
        if (Files.isDirectory(besideJar)) {
            return besideJar;
        }
        throw new AlbertException("no --model given and the default model " + DEFAULT_MODEL
                + " was not found in the working directory or beside the jar");
    }

    private static Path jarDirectory() {
        try {
            Path location = Path.of(LoadedModel.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isDirectory(location) ? location : location.getParent();
        } catch (URISyntaxException | SecurityException e) {
            return Path.of(".");
        }
    }

    @Override
    public void close() {
        tokenizer.close();
        model.close();
    }
}

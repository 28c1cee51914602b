package io.albert4j.hub;

import io.albert4j.AlbertException;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Turns what a user calls a model into a local checkpoint directory: a path that exists is returned
 * as it is, without touching the network; anything else is read as a Hugging Face Hub id
 * ({@code albert-base-v2}, {@code textattack/albert-base-v2-imdb}), optionally with
 * {@code @revision} (a branch, tag or commit hash; else {@link HubOptions#revision()}, else
 * {@code main}), and resolved through Hugging Face's own cache, downloading what is missing.
 *
 * <p>Only the files a model needs are fetched: {@code config.json}; the weights, preferring
 * {@code model.safetensors}, then {@code model.safetensors.index.json} and its shards, then
 * {@code pytorch_model.bin}, then {@code pytorch_model.bin.index.json} and its shards (one format,
 * never two); and whichever of {@code spiece.model}, {@code tokenizer.json},
 * {@code tokenizer_config.json} and {@code special_tokens_map.json} the repository has. Files it
 * lacks are remembered in {@code .no_exist} as huggingface_hub does.
 *
 * <p>The cache is huggingface_hub's ({@code $HF_HUB_CACHE}, default {@code ~/.cache/huggingface/hub}),
 * laid out the same way: a model Python downloaded is found here, and the other way round. Requests:
 * a cached commit hash needs none; a branch or tag costs one HEAD to learn the commit it points to
 * now, plus what that commit adds; in offline mode none are made and a missing file is an error that
 * lists it. Downloads are resumed after a dropped connection, verified (size, and sha256 of LFS
 * files) before they enter the cache, and locked per blob against other threads and JVMs.
 *
 * <p>Thread-safe: any number of threads (and processes) may resolve the same or different models at
 * once.
 *
 * <pre>{@code
 * Path dir = HubModelResolver.fromEnvironment().resolve("albert-base-v2");
 * try (AlbertModel model = AlbertModel.load(dir)) { ... }
 * }</pre>
 */
public final class HubModelResolver {
    private final HubOptions options;
    private final HubClient client;

    public HubModelResolver(HubOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.client = new HubClient(options);
    }

    /** A resolver with {@link HubOptions#fromEnvironment()}. */
    public static HubModelResolver fromEnvironment() {
        return new HubModelResolver(HubOptions.fromEnvironment());
    }

    public HubOptions options() {
        return options;
    }

    /**
     * The checkpoint directory for a path or a Hub id: the path itself if it exists, else the
     * snapshot directory {@code {cache}/models--org--name/snapshots/{commit}}.
     *
     * @throws AlbertException when the text is neither an existing path nor a valid Hub id, or the
     *     model cannot be resolved: not found, gated or private without a token, missing from the
     *     cache in offline mode, or a corrupt download (the message says which and what to do)
     */
    public Path resolve(String modelIdOrPath) {
        Objects.requireNonNull(modelIdOrPath, "modelIdOrPath");
        Path local = existingPath(modelIdOrPath);
        if (local != null) {
            return local;
        }
        ModelId id = ModelId.parseOrNull(modelIdOrPath, options.revision());
        if (id == null) {
            throw new AlbertException("model directory not found and not a Hub model id: \"" + modelIdOrPath
                    + "\" (a Hub id is org/name or name, optionally followed by @revision)");
        }
        return new Resolution(options, client, id).run();
    }

    /** True when the text names an existing file or directory, which {@link #resolve} returns as is. */
    public static boolean isExistingPath(String modelIdOrPath) {
        return existingPath(modelIdOrPath) != null;
    }

    private static Path existingPath(String text) {
        try {
            Path p = Path.of(text);
            return !text.isBlank() && Files.exists(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }
}

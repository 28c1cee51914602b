package io.albert4j.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.AlbertException;
import io.albert4j.checkpoint.Checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which files of a repository a model needs, and nothing else: {@code config.json}; the first weights
 * present of {@code model.safetensors}, its sharded index with the shards, {@code pytorch_model.bin},
 * its index with the shards (never two formats); and the tokenizer files that exist.
 *
 * <p>Stateless and thread-safe.
 */
final class FileSelection {
    static final String CONFIG = "config.json";
    static final List<String> TOKENIZER_FILES =
            List.of("spiece.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");
    private static final long MAX_INDEX_BYTES = 64L << 20;
    private static final int MAX_SHARDS = 10_000;
    private static final Pattern SHARD = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether a file is in the repository at the commit, as far as a source can tell. */
    enum State { PRESENT, ABSENT, UNKNOWN }

    /** Where files come from: the cache alone, or the cache and then the Hub. */
    interface FileSource {
        /** Looks a file up, fetching it if this source can; PRESENT means it is in {@link #dir()}. */
        State fetch(String file) throws IOException;

        /** The snapshot directory fetched files are in. */
        Path dir();

        /** Names the repository and commit in messages. */
        String describe();
    }

    /**
     * @param unknown files the source could not tell about (only a cache-only source has them)
     * @param weights whether a complete set of weights is present
     */
    record Outcome(List<String> unknown, boolean configPresent, boolean weights) {
        boolean loadable() {
            return configPresent && weights;
        }

        boolean complete() {
            return loadable() && unknown.isEmpty();
        }
    }

    private FileSelection() {
    }

    static Outcome select(FileSource source) throws IOException {
        List<String> unknown = new ArrayList<>();
        State config = source.fetch(CONFIG);
        if (config == State.ABSENT) {
            throw new AlbertException(source.describe() + " has no " + CONFIG + ": not a transformers model repository");
        }
        if (config == State.UNKNOWN) {
            unknown.add(CONFIG);
        }
        boolean weights = selectWeights(source, unknown);
        for (String file : TOKENIZER_FILES) {
            if (source.fetch(file) == State.UNKNOWN) {
                unknown.add(file);
            }
        }
        return new Outcome(List.copyOf(unknown), config == State.PRESENT, weights);
    }

    private static boolean selectWeights(FileSource source, List<String> unknown) throws IOException {
        boolean allAbsent = true;
        for (String file : Checkpoints.WEIGHT_FILES) {
            State state = source.fetch(file);
            if (state == State.PRESENT) {
                return !file.endsWith(".index.json") || selectShards(source, file, unknown);
            }
            if (state == State.UNKNOWN) {
                unknown.add(file);
                allAbsent = false;
            }
        }
        if (allAbsent) {
            throw new AlbertException(source.describe() + " has no model weights: looked for "
                    + String.join(", ", Checkpoints.WEIGHT_FILES));
        }
        return false;
    }

    private static boolean selectShards(FileSource source, String index, List<String> unknown) throws IOException {
        boolean all = true;
        for (String shard : shards(source.dir().resolve(index))) {
            State state = source.fetch(shard);
            if (state == State.ABSENT) {
                throw new AlbertException(source.describe() + ": " + index + " names shard " + shard
                        + ", which the repository does not have");
            }
            if (state == State.UNKNOWN) {
                unknown.add(shard);
                all = false;
            }
        }
        return all;
    }

    /** The distinct shard files of a weights index, validated as plain file names. */
    static Set<String> shards(Path index) throws IOException {
        long size = Files.size(index);
        if (size > MAX_INDEX_BYTES) {
            throw new AlbertException(index + " is " + size + " bytes; a weights index is at most " + MAX_INDEX_BYTES);
        }
        JsonNode map;
        try {
            map = JSON.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new AlbertException(index + " is not valid JSON: " + e.getMessage(), e);
        }
        if (map == null || !map.isObject()) {
            throw new AlbertException(index + ": no \"weight_map\" object of key -> shard file");
        }
        Set<String> shards = new LinkedHashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText("");
            if (!e.getValue().isTextual() || !SHARD.matcher(shard).matches() || shard.contains("..")) {
                throw new AlbertException(index + ": weight_map entry '" + e.getKey()
                        + "' must name a shard file in the same folder, found " + e.getValue());
            }
            shards.add(shard);
            if (shards.size() > MAX_SHARDS) {
                throw new AlbertException(index + " names more than " + MAX_SHARDS + " shard files");
            }
        }
        return shards;
    }
}

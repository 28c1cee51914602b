package io.albert4j.spark;

import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import org.apache.hadoop.conf.Configuration;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models loaded in this JVM (an executor, or the driver in local mode): one per model
 * location (Hub revision included) and tokenizer mode, loaded lazily by the first task that needs it and shared by every task thread after
 * that (models, tokenizers and pipelines are thread-safe). Models are freed by {@link #clear()},
 * which runs at JVM shutdown and, with {@link AlbertSparkPlugin} configured, when the executor stops.
 *
 * <p>Thread-safe: concurrent tasks asking for one location wait for a single load.
 */
public final class ModelCache {
    private static final Map<Key, Entry> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::clear, "albert4j-model-cache-shutdown"));
    }

    private ModelCache() {
    }

    /** A loaded checkpoint: the model with the head its config names, its tokenizer, and its local directory. */
    record Loaded(AlbertModel model, AlbertTokenizer tokenizer, Path directory, boolean temporary) {
        void close() {
            tokenizer.close();
            model.close();
            if (temporary) {
                ModelSource.deleteRecursively(directory);
            }
        }
    }

    /** Where a model is and how its text is tokenized: what the cache is keyed by. */
    record Key(String location, TokenizerMode tokenizerMode) {
    }

    /** One key's slot: loaded once, under its own lock, so other models load in parallel. */
    private static final class Entry {
        private Loaded loaded;

        synchronized Loaded get(Key key, Configuration hadoopConf) {
            if (loaded == null) {
                loaded = load(key, hadoopConf);
            }
            return loaded;
        }

        synchronized boolean isLoaded() {
            return loaded != null;
        }

        synchronized void close() {
            if (loaded != null) {
                loaded.close();
                loaded = null;
            }
        }
    }

    /** The model at {@code location} with its tokenizer in the given mode, loaded on first use in this JVM. */
    static Loaded get(String location, TokenizerMode tokenizerMode, Configuration hadoopConf) {
        Key key = new Key(location, tokenizerMode);
        return MODELS.computeIfAbsent(key, k -> new Entry()).get(key, hadoopConf);
    }

    /** Frees every model this JVM loaded (and deletes local copies); the next task loads again. */
    public static void clear() {
        List<Entry> entries = new ArrayList<>(MODELS.values());
        MODELS.clear();
        for (Entry entry : entries) {
            entry.close();
        }
    }

    /** Models loaded in this JVM since it started (a test hook: the cache must load each location once). */
    static int loads() {
        return LOADS.get();
    }

    /** Models held now. */
    static int size() {
        return (int) MODELS.values().stream().filter(Entry::isLoaded).count();
    }

    private static Loaded load(Key key, Configuration hadoopConf) {
        boolean temporary = ModelSource.isRemote(key.location());
        Path dir = ModelSource.localDirectory(key.location(), hadoopConf);
        try {
            AlbertModel model = AlbertModel.load(dir);
            try {
                AlbertTokenizer tokenizer = AlbertTokenizer.load(dir, key.tokenizerMode());
                LOADS.incrementAndGet();
                return new Loaded(model, tokenizer, dir, temporary);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        } catch (RuntimeException e) {
            if (temporary) {
                ModelSource.deleteRecursively(dir);
            }
            throw e;
        }
    }
}

package io.albert4j.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.AlbertException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A checkpoint split over several files, described by an index
 * ({@code model.safetensors.index.json} or {@code pytorch_model.bin.index.json}:
 * {@code {"metadata": {...}, "weight_map": {"key": "shard file name", ...}}}). Shard names must
 * stay inside the index's directory. Every key the index maps must be in its shard; tensors a shard
 * holds beyond its index entries are kept unless another shard is named for them.
 *
 * <p>Not thread-safe (see {@link CheckpointReader}).
 */
final class ShardedCheckpoint implements CheckpointReader {
    private static final Logger LOG = LoggerFactory.getLogger(ShardedCheckpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;
    private final List<CheckpointReader> shards;
    private final Map<String, CheckpointReader> owners;
    private final Map<String, TensorInfo> tensors;

    private ShardedCheckpoint(String source, List<CheckpointReader> shards, Map<String, CheckpointReader> owners,
                              Map<String, TensorInfo> tensors) {
        this.source = source;
        this.shards = shards;
        this.owners = owners;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    static ShardedCheckpoint open(Path index, Function<Path, ? extends CheckpointReader> openShard) {
        String file = index.toString();
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(index));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AlbertException(file + ": malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new AlbertException(file + ": cannot read index: " + e.getMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject() || weightMap.isEmpty()) {
            throw new AlbertException(file + ": index has no \"weight_map\" object of key -> shard file");
        }
        Path dir = index.toAbsolutePath().getParent();
        Map<String, String> keyToShard = new LinkedHashMap<>();
        Map<String, Path> shardPaths = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new AlbertException(file + ": weight_map entry " + AlbertException.quote(e.getKey()) + " must name a shard file, found "
                        + e.getValue());
            }
            String shard = e.getValue().asText();
            if (!shardPaths.containsKey(shard)) {
                Path p = dir.resolve(shard).normalize();
                if (shard.isEmpty() || Path.of(shard).isAbsolute() || !p.startsWith(dir) || p.equals(dir)) {
                    throw new AlbertException(file + ": weight_map entry " + AlbertException.quote(e.getKey()) + " names shard " + AlbertException.quote(shard)
                            + ", which is not a file inside " + dir);
                }
                if (!Files.isRegularFile(p)) {
                    throw new AlbertException(file + ": shard " + AlbertException.quote(shard) + " (for " + AlbertException.quote(e.getKey())
                            + ") does not exist in " + dir);
                }
                shardPaths.put(shard, p);
            }
            keyToShard.put(e.getKey(), shard);
        }
        List<CheckpointReader> opened = new ArrayList<>();
        try {
            Map<String, CheckpointReader> readers = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : shardPaths.entrySet()) {
                CheckpointReader reader = openShard.apply(e.getValue());
                opened.add(reader);
                readers.put(e.getKey(), reader);
            }
            Map<String, CheckpointReader> owners = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : keyToShard.entrySet()) {
                CheckpointReader reader = readers.get(e.getValue());
                TensorInfo info = reader.tensors().get(e.getKey());
                if (info == null) {
                    throw new AlbertException(file + ": the index puts " + AlbertException.quote(e.getKey()) + " in shard " + AlbertException.quote(e.getValue())
                            + ", but " + reader.source() + " has no such tensor");
                }
                owners.put(e.getKey(), reader);
                tensors.put(e.getKey(), info);
            }
            for (CheckpointReader reader : opened) {
                for (TensorInfo info : reader.tensors().values()) {
                    if (!owners.containsKey(info.key())) {
                        LOG.debug("{}: tensor '{}' in {} is not in the index; keeping it", file, info.key(), reader.source());
                        owners.put(info.key(), reader);
                        tensors.put(info.key(), info);
                    }
                }
            }
            return new ShardedCheckpoint(file, List.copyOf(opened), owners, tensors);
        } catch (RuntimeException e) {
            opened.forEach(CheckpointReader::close);
            throw e;
        }
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public void readFloat32(String key, FloatBuffer destination) {
        CheckpointReader owner = owners.get(key);
        if (owner == null) {
            throw new AlbertException(source + ": no tensor " + AlbertException.quote(key) + " in any shard");
        }
        owner.readFloat32(key, destination);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public void close() {
        shards.forEach(CheckpointReader::close);
    }
}

package io.albert4j.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.albert4j.AlbertException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An ALBERT {@code config.json}, with Hugging Face's {@code AlbertConfig} defaults for absent keys.
 * Only the fields that change the computation or the labels are kept; unknown keys are ignored.
 * Inconsistent values fail at load with an {@link AlbertException} naming the key.
 *
 * <p>Immutable and thread-safe.
 *
 * @param vocabSize             {@code vocab_size}
 * @param embeddingSize         {@code embedding_size}, the factorized embedding width E
 * @param hiddenSize            {@code hidden_size} H
 * @param numAttentionHeads     {@code num_attention_heads}
 * @param intermediateSize      {@code intermediate_size}, the FFN width
 * @param numHiddenLayers       {@code num_hidden_layers}: how many times the shared groups are applied
 * @param numHiddenGroups       {@code num_hidden_groups}: distinct parameter groups
 * @param innerGroupNum         {@code inner_group_num}: layers inside each group
 * @param hiddenAct             {@code hidden_act}
 * @param maxPositionEmbeddings {@code max_position_embeddings}
 * @param typeVocabSize         {@code type_vocab_size}
 * @param layerNormEps          {@code layer_norm_eps}
 * @param id2label              {@code id2label}, indexed by class id ({@code num_labels} entries)
 * @param problemType           {@code problem_type}, or null when absent
 * @param architectures         {@code architectures}, possibly empty
 * @param tieWordEmbeddings     {@code tie_word_embeddings} (default true, written explicitly by
 *                              transformers 5): the masked-LM decoder is the word embeddings; when
 *                              false the checkpoint's own {@code predictions.decoder.weight} is used
 *
 * <p>{@code torch_dtype} (transformers 4) and {@code dtype} (transformers 5) are read by nobody:
 * weights stored in float16, bfloat16 or float64 are computed in float32, as the goldens are.
 */
public record AlbertConfig(
        int vocabSize,
        int embeddingSize,
        int hiddenSize,
        int numAttentionHeads,
        int intermediateSize,
        int numHiddenLayers,
        int numHiddenGroups,
        int innerGroupNum,
        Activation hiddenAct,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        List<String> id2label,
        String problemType,
        List<String> architectures,
        boolean tieWordEmbeddings) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_NUM_LABELS = 2;

    public AlbertConfig(int vocabSize, int embeddingSize, int hiddenSize, int numAttentionHeads, int intermediateSize,
                        int numHiddenLayers, int numHiddenGroups, int innerGroupNum, Activation hiddenAct,
                        int maxPositionEmbeddings, int typeVocabSize, double layerNormEps, List<String> id2label,
                        String problemType, List<String> architectures, boolean tieWordEmbeddings) {
        this.vocabSize = vocabSize;
        this.embeddingSize = embeddingSize;
        this.hiddenSize = hiddenSize;
        this.numAttentionHeads = numAttentionHeads;
        this.intermediateSize = intermediateSize;
        this.numHiddenLayers = numHiddenLayers;
        this.numHiddenGroups = numHiddenGroups;
        this.innerGroupNum = innerGroupNum;
        this.hiddenAct = hiddenAct;
        this.maxPositionEmbeddings = maxPositionEmbeddings;
        this.typeVocabSize = typeVocabSize;
        this.layerNormEps = layerNormEps;
        this.tieWordEmbeddings = tieWordEmbeddings;
        this.id2label = List.copyOf(id2label);
        this.problemType = problemType;
        this.architectures = List.copyOf(architectures);
        validate(this);
    }

    /** Reads {@code config.json} from a checkpoint directory. */
    public static AlbertConfig load(Path checkpointDir) {
        Path file = checkpointDir.resolve("config.json");
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new AlbertException("missing config.json in " + checkpointDir);
        } catch (IOException e) {
            throw new AlbertException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the text of a {@code config.json}; {@code source} names it in error messages. */
    public static AlbertConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new AlbertException(source + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new AlbertException(source + ": expected a JSON object");
        }
        Reader r = new Reader(root, source);
        String positionType = r.string("position_embedding_type", "absolute");
        if (!positionType.equals("absolute")) {
            throw new AlbertException(source + ": position_embedding_type \"" + positionType
                    + "\" is not supported (only \"absolute\")");
        }
        return new AlbertConfig(
                r.integer("vocab_size", 30000),
                r.integer("embedding_size", 128),
                r.integer("hidden_size", 4096),
                r.integer("num_attention_heads", 64),
                r.integer("intermediate_size", 16384),
                r.integer("num_hidden_layers", 12),
                r.integer("num_hidden_groups", 1),
                r.integer("inner_group_num", 1),
                Activation.fromConfig(r.string("hidden_act", "gelu_new")),
                r.integer("max_position_embeddings", 512),
                r.integer("type_vocab_size", 2),
                r.number("layer_norm_eps", 1e-12),
                r.labels(),
                r.string("problem_type", null),
                r.strings("architectures"),
                r.bool("tie_word_embeddings", true));
    }

    public int numLabels() {
        return id2label.size();
    }

    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** Class id of a label name ({@code label2id}), or -1. */
    public int labelId(String label) {
        return id2label.indexOf(label);
    }

    /** The first entry of {@code architectures}, or null. */
    public String architecture() {
        return architectures.isEmpty() ? null : architectures.get(0);
    }

    private static void validate(AlbertConfig c) {
        positive("vocab_size", c.vocabSize);
        positive("embedding_size", c.embeddingSize);
        positive("hidden_size", c.hiddenSize);
        positive("num_attention_heads", c.numAttentionHeads);
        positive("intermediate_size", c.intermediateSize);
        positive("num_hidden_layers", c.numHiddenLayers);
        positive("num_hidden_groups", c.numHiddenGroups);
        positive("inner_group_num", c.innerGroupNum);
        positive("max_position_embeddings", c.maxPositionEmbeddings);
        positive("type_vocab_size", c.typeVocabSize);
        if (c.hiddenSize % c.numAttentionHeads != 0) {
            throw new AlbertException("config.json: hidden_size " + c.hiddenSize
                    + " is not a multiple of num_attention_heads " + c.numAttentionHeads);
        }
        if (c.numHiddenGroups > c.numHiddenLayers || c.numHiddenLayers % c.numHiddenGroups != 0) {
            throw new AlbertException("config.json: num_hidden_layers " + c.numHiddenLayers
                    + " must be a multiple of num_hidden_groups " + c.numHiddenGroups);
        }
        if (!(c.layerNormEps > 0) || Double.isInfinite(c.layerNormEps)) {
            throw new AlbertException("config.json: layer_norm_eps must be positive, found " + c.layerNormEps);
        }
        if (c.id2label.isEmpty()) {
            throw new AlbertException("config.json: num_labels must be positive");
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new AlbertException("config.json: " + key + " must be positive, found " + value);
        }
    }

    /** Typed access to config keys with defaults; errors name the key and the expected type. */
    private record Reader(JsonNode root, String source) {
        int integer(String key, int fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                throw new AlbertException(source + ": " + key + " must be an integer, found " + n);
            }
            return n.intValue();
        }

        double number(String key, double fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isNumber()) {
                throw new AlbertException(source + ": " + key + " must be a number, found " + n);
            }
            return n.doubleValue();
        }

        boolean bool(String key, boolean fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isBoolean()) {
                throw new AlbertException(source + ": " + key + " must be true or false, found " + n);
            }
            return n.booleanValue();
        }

        String string(String key, String fallback) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return fallback;
            }
            if (!n.isTextual()) {
                throw new AlbertException(source + ": " + key + " must be a string, found " + n);
            }
            return n.textValue();
        }

        List<String> strings(String key) {
            JsonNode n = root.get(key);
            if (n == null || n.isNull()) {
                return List.of();
            }
            if (!n.isArray()) {
                throw new AlbertException(source + ": " + key + " must be a list of strings, found " + n);
            }
            List<String> out = new ArrayList<>();
            n.forEach(e -> out.add(e.asText()));
            return out;
        }

        /** id2label if present (its size is num_labels), else num_labels generic names LABEL_i. */
        List<String> labels() {
            JsonNode map = root.get("id2label");
            if (map == null || map.isNull()) {
                int count = integer("num_labels", DEFAULT_NUM_LABELS);
                if (count <= 0) {
                    throw new AlbertException(source + ": num_labels must be positive, found " + count);
                }
                List<String> generic = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    generic.add("LABEL_" + i);
                }
                return generic;
            }
            if (!map.isObject()) {
                throw new AlbertException(source + ": id2label must be an object, found " + map);
            }
            Map<Integer, String> byId = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    byId.put(Integer.parseInt(e.getKey()), e.getValue().asText());
                } catch (NumberFormatException ex) {
                    throw new AlbertException(source + ": id2label key \"" + e.getKey() + "\" is not an integer");
                }
            }
            List<String> labels = new ArrayList<>(Collections.nCopies(byId.size(), (String) null));
            for (Map.Entry<Integer, String> e : byId.entrySet()) {
                if (e.getKey() < 0 || e.getKey() >= labels.size()) {
                    throw new AlbertException(source + ": id2label ids must be 0.." + (labels.size() - 1)
                            + ", found " + e.getKey());
                }
                labels.set(e.getKey(), e.getValue());
            }
            int declared = integer("num_labels", labels.size());
            if (declared != labels.size()) {
                throw new AlbertException(source + ": num_labels " + declared + " disagrees with id2label's "
                        + labels.size() + " entries");
            }
            return labels;
        }
    }
}

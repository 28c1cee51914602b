package io.albert4j.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.albert4j.AlbertException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of a Hugging Face ALBERT tokenizer directory: {@code tokenizer_config.json} and
 * {@code special_tokens_map.json} (both optional; the second overrides the special tokens of the
 * first, as {@code from_pretrained} does), falling back to {@code AlbertTokenizer}'s defaults.
 * Immutable once read.
 */
final class TokenizerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerConfig.class);
    private static final String CONFIG_FILE = "tokenizer_config.json";
    private static final String SPECIAL_TOKENS_FILE = "special_tokens_map.json";
    /** The roles of {@code AlbertTokenizer}'s special tokens, with their default contents. */
    static final Map<String, String> DEFAULT_SPECIALS = defaultSpecials();

    /** A special token's content and the whitespace it absorbs. */
    record TokenSpec(String content, boolean lstrip, boolean rstrip) {
    }

    private boolean doLowerCase = true;
    private boolean removeSpace = true;
    private boolean keepAccents;
    private boolean cleanUpSpaces = true;
    private long modelMaxLength = Long.MAX_VALUE;
    private final Map<String, TokenSpec> roles = new LinkedHashMap<>();
    private final Map<String, TokenSpec> specials = new LinkedHashMap<>();

    private TokenizerConfig() {
        DEFAULT_SPECIALS.forEach((role, content) ->
                roles.put(role, new TokenSpec(content, role.equals("mask_token"), false)));
    }

    boolean doLowerCase() {
        return doLowerCase;
    }

    boolean removeSpace() {
        return removeSpace;
    }

    boolean keepAccents() {
        return keepAccents;
    }

    boolean cleanUpSpaces() {
        return cleanUpSpaces;
    }

    /** {@code model_max_length}, {@link Long#MAX_VALUE} when absent or larger. */
    long modelMaxLength() {
        return modelMaxLength;
    }

    /** The token of a role such as {@code mask_token} (every role of {@link #DEFAULT_SPECIALS} is set). */
    TokenSpec role(String role) {
        return roles.get(role);
    }

    /** Every special token: the roles' plus additional and added special tokens, by content. */
    Map<String, TokenSpec> specials() {
        return Collections.unmodifiableMap(specials);
    }

    static TokenizerConfig read(Path dir) {
        Path configFile = dir.resolve(CONFIG_FILE);
        Path mapFile = dir.resolve(SPECIAL_TOKENS_FILE);
        JsonNode tokenizerConfig = readJson(configFile);
        JsonNode specialTokensMap = readJson(mapFile);
        TokenizerConfig config = new TokenizerConfig();
        config.readSettings(tokenizerConfig, configFile);
        config.readRoles(tokenizerConfig, configFile);
        config.readRoles(specialTokensMap, mapFile);
        config.roles.values().forEach(spec -> config.specials.put(spec.content(), spec));
        config.readAdditional(tokenizerConfig, configFile);
        config.readAdditional(specialTokensMap, mapFile);
        config.readAddedTokensDecoder(tokenizerConfig, configFile);
        return config;
    }

    /** The file's JSON object; an empty object when the file does not exist. */
    private static JsonNode readJson(Path file) {
        return Files.exists(file) ? readJsonObject(file) : JsonNodeFactory.instance.objectNode();
    }

    /** The JSON object in {@code file}; a clear error naming the file when it is unreadable or not an object. */
    static JsonNode readJsonObject(Path file) {
        try {
            JsonNode node = new ObjectMapper().readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new AlbertException(file + " is not a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new AlbertException("corrupt JSON in " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new AlbertException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void readSettings(JsonNode json, Path file) {
        doLowerCase = bool(json, "do_lower_case", doLowerCase, file);
        removeSpace = bool(json, "remove_space", removeSpace, file);
        keepAccents = bool(json, "keep_accents", keepAccents, file);
        cleanUpSpaces = bool(json, "clean_up_tokenization_spaces", cleanUpSpaces, file);
        JsonNode max = json.get("model_max_length");
        if (max != null && !max.isNull()) {
            modelMaxLength = maxLength(max, file);
        }
    }

    private static long maxLength(JsonNode max, Path file) {
        if (max.isIntegralNumber()) {
            BigInteger value = max.bigIntegerValue();
            if (value.signum() <= 0) {
                throw new AlbertException(file + ": model_max_length must be positive, found " + value);
            }
            return value.bitLength() < 64 ? value.longValue() : Long.MAX_VALUE;
        }
        if (max.isNumber() && max.doubleValue() > 0) {
            return max.doubleValue() >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) max.doubleValue();
        }
        throw new AlbertException(file + ": model_max_length must be a positive number, found " + max);
    }

    private void readRoles(JsonNode json, Path file) {
        for (String role : DEFAULT_SPECIALS.keySet()) {
            JsonNode token = json.get(role);
            if (token != null && !token.isNull()) {
                TokenSpec fallback = roles.get(role);
                roles.put(role, token(token, role, file, token.isTextual() ? fallback.lstrip() : false));
            }
        }
    }

    private void readAdditional(JsonNode json, Path file) {
        JsonNode list = json.get("additional_special_tokens");
        if (list == null || list.isNull()) {
            return;
        }
        if (!list.isArray()) {
            throw new AlbertException(file + ": additional_special_tokens must be a list");
        }
        for (JsonNode token : list) {
            TokenSpec spec = token(token, "additional_special_tokens", file, false);
            specials.putIfAbsent(spec.content(), spec);
        }
    }

    /** {@code added_tokens_decoder} decides the strip flags of the tokens it lists. */
    private void readAddedTokensDecoder(JsonNode json, Path file) {
        JsonNode decoder = json.get("added_tokens_decoder");
        if (decoder == null || !decoder.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = decoder.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            TokenSpec spec = token(entry.getValue(), "added_tokens_decoder." + entry.getKey(), file, false);
            boolean special = entry.getValue().path("special").asBoolean(false);
            if (special || specials.containsKey(spec.content())) {
                specials.put(spec.content(), spec);
            } else {
                LOG.warn("{}: non-special added token {} is not supported and is tokenized as text", file,
                        spec.content());
            }
            roles.replaceAll((role, old) -> old.content().equals(spec.content()) ? spec : old);
        }
    }

    private static TokenSpec token(JsonNode node, String key, Path file, boolean defaultLstrip) {
        if (node.isTextual() && !node.asText().isEmpty()) {
            return new TokenSpec(node.asText(), defaultLstrip, false);
        }
        JsonNode content = node.get("content");
        if (node.isObject() && content != null && content.isTextual() && !content.asText().isEmpty()) {
            return new TokenSpec(content.asText(), bool(node, "lstrip", false, file), bool(node, "rstrip", false, file));
        }
        throw new AlbertException(file + ": " + key + " must be a non-empty string or an object with \"content\", found "
                + node);
    }

    private static boolean bool(JsonNode json, String key, boolean fallback, Path file) {
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new AlbertException(file + ": " + key + " must be true or false, found " + value);
        }
        return value.booleanValue();
    }

    private static Map<String, String> defaultSpecials() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("bos_token", "[CLS]");
        map.put("eos_token", "[SEP]");
        map.put("unk_token", "<unk>");
        map.put("sep_token", "[SEP]");
        map.put("pad_token", "<pad>");
        map.put("cls_token", "[CLS]");
        map.put("mask_token", "[MASK]");
        return Collections.unmodifiableMap(map);
    }
}

package io.albert4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.albert4j.AlbertException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link FastTokenizer} of a checkpoint directory: from {@code tokenizer.json}, or,
 * without one, from {@code spiece.model} as transformers 5's converter does (vocabulary and
 * scores, the precompiled character map, user-defined pieces as non-special added tokens, the
 * configuration's special tokens). {@code keep_accents} removes NFKD and StripAccents from the
 * normalizer and {@code do_lower_case=false} removes Lowercase, as transformers 5's
 * {@code AlbertTokenizer} builds it. Every failure is an {@link AlbertException} naming the file
 * and key.
 */
final class FastTokenizerFiles {
    static final String TOKENIZER_JSON = "tokenizer.json";
    private static final int SPACE_SYMBOL = '\u2581';
    private static final Set<String> STEPS_REMOVED_BY_KEEP_ACCENTS = Set.of("NFKD", "StripAccents");

    /** The fast tokenizer and the special tokens its post-processor adds. */
    record Loaded(FastTokenizer tokenizer, EncodingBuilder.Special cls, EncodingBuilder.Special sep) {
    }

    private FastTokenizerFiles() {
    }

    static Loaded fromTokenizerJson(Path file, TokenizerConfig config, boolean keepAccents) {
        JsonNode root = TokenizerConfig.readJsonObject(file);
        JsonNode model = object(root, "model", file);
        String type = model.path("type").asText("");
        if (!type.equals("Unigram")) {
            throw new AlbertException(file + ": model.type must be \"Unigram\" (ALBERT), found \"" + type + "\"");
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw new AlbertException(file + ": model.byte_fallback true is not supported (ALBERT's file has false)");
        }
        JsonNode vocab = model.get("vocab");
        if (vocab == null || !vocab.isArray() || vocab.isEmpty()) {
            throw new AlbertException(file + ": model.vocab must be a non-empty list of [piece, score]");
        }
        String[] pieces = new String[vocab.size()];
        double[] scores = new double[vocab.size()];
        for (int id = 0; id < pieces.length; id++) {
            JsonNode entry = vocab.get(id);
            if (!entry.isArray() || entry.size() != 2 || !entry.get(0).isTextual() || !entry.get(1).isNumber()) {
                throw new AlbertException(file + ": model.vocab[" + id + "] must be [piece, score], found " + entry);
            }
            pieces[id] = entry.get(0).textValue();
            scores[id] = entry.get(1).doubleValue();
        }
        JsonNode unk = model.get("unk_id");
        if (unk == null || !unk.canConvertToInt() || unk.intValue() < 0 || unk.intValue() >= pieces.length) {
            throw new AlbertException(file + ": model.unk_id must be an id in [0, " + pieces.length + "), found " + unk);
        }
        List<AddedTokens.AddedToken> added = addedTokens(root, file, pieces.length);
        FastNormalizer normalizer = new FastNormalizer(normalizerSteps(root.get("normalizer"), file, config, keepAccents));
        FastTokenizer.Metaspace metaspace = null;
        boolean whitespaceSplit = false;
        for (JsonNode step : sequence(root.get("pre_tokenizer"), "pretokenizers")) {
            String kind = step.path("type").asText("");
            switch (kind) {
                case "WhitespaceSplit" -> whitespaceSplit = true;
                case "Metaspace" -> metaspace = metaspace(step, file, "pre_tokenizer");
                default -> throw new AlbertException(file + ": pre_tokenizer type \"" + kind
                        + "\" is not supported (supported: WhitespaceSplit, Metaspace)");
            }
        }
        JsonNode decoderNode = root.get("decoder");
        FastTokenizer.Metaspace decoder = decoderNode == null || decoderNode.isNull() ? null
                : metaspace(decoderNode, file, "decoder");
        FastTokenizer tokenizer = new FastTokenizer(pieces, scores, unk.intValue(), added, normalizer,
                whitespaceSplit, metaspace, decoder, config.cleanUpSpaces());
        Template template = Template.read(root.get("post_processor"), file);
        return new Loaded(tokenizer, template.cls, template.sep);
    }

    static Loaded fromSentencePiece(SpModelFile model, Path file, TokenizerConfig config, boolean keepAccents) {
        int unkId = -1;
        List<AddedTokens.AddedToken> added = new ArrayList<>();
        for (TokenizerConfig.TokenSpec spec : config.specials().values()) {
            int id = indexOf(model.pieces, spec.content());
            if (id < 0) {
                throw new AlbertException("special token " + spec.content() + " is not in the vocabulary of " + file);
            }
            added.add(new AddedTokens.AddedToken(id, spec.content(), true, spec.lstrip(), spec.rstrip(), false, false));
        }
        for (int id = 0; id < model.pieces.length; id++) {
            if (model.types[id] == SpModelFile.TYPE_USER_DEFINED) {
                added.add(new AddedTokens.AddedToken(id, model.pieces[id], false, false, false, false, false));
            }
            if (unkId < 0 && model.types[id] == SpModelFile.TYPE_UNKNOWN) {
                unkId = id;
            }
        }
        if (unkId < 0) {
            throw new AlbertException("corrupt SentencePiece model " + file + ": the vocabulary has no piece of type UNKNOWN");
        }
        List<FastNormalizer.Step> steps = new ArrayList<>();
        steps.add(new FastNormalizer.Replace("``".codePoints().toArray(), "\"".codePoints().toArray()));
        steps.add(new FastNormalizer.Replace("''".codePoints().toArray(), "\"".codePoints().toArray()));
        if (!keepAccents) {
            steps.add(new FastNormalizer.Decompose(true));
            steps.add(new FastNormalizer.StripAccents());
        }
        if (config.doLowerCase()) {
            steps.add(new FastNormalizer.Lowercase());
        }
        if (model.precompiledCharsMap.length > 0) {
            steps.add(precompiled(model.precompiledCharsMap, file));
        }
        FastTokenizer.Metaspace metaspace = new FastTokenizer.Metaspace(SPACE_SYMBOL, true, true);
        FastTokenizer tokenizer = new FastTokenizer(model.pieces, model.scores, unkId, added,
                new FastNormalizer(steps), true, metaspace, metaspace, config.cleanUpSpaces());
        return new Loaded(tokenizer, role(config, "cls_token", tokenizer, file), role(config, "sep_token", tokenizer, file));
    }

    private static EncodingBuilder.Special role(TokenizerConfig config, String role, FastTokenizer tokenizer, Path file) {
        String content = config.role(role).content();
        int id = tokenizer.id(content);
        if (id < 0) {
            throw new AlbertException(role + " " + content + " is not in the vocabulary of " + file);
        }
        return new EncodingBuilder.Special(content, id);
    }

    private static int indexOf(String[] pieces, String piece) {
        for (int id = 0; id < pieces.length; id++) {
            if (pieces[id].equals(piece)) {
                return id;
            }
        }
        return -1;
    }

    private static List<AddedTokens.AddedToken> addedTokens(JsonNode root, Path file, int vocabSize) {
        List<AddedTokens.AddedToken> out = new ArrayList<>();
        JsonNode list = root.get("added_tokens");
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            throw new AlbertException(file + ": added_tokens must be a list");
        }
        for (int k = 0; k < list.size(); k++) {
            JsonNode token = list.get(k);
            String key = "added_tokens[" + k + "]";
            JsonNode id = token.get("id");
            JsonNode content = token.get("content");
            if (id == null || !id.canConvertToInt() || id.intValue() < 0 || id.intValue() > vocabSize + 1_000_000) {
                throw new AlbertException(file + ": " + key + ".id must be a non-negative id, found " + id);
            }
            if (content == null || !content.isTextual() || content.textValue().isEmpty()) {
                throw new AlbertException(file + ": " + key + ".content must be a non-empty string, found " + content);
            }
            out.add(new AddedTokens.AddedToken(id.intValue(), content.textValue(), flag(token, "special", key, file),
                    flag(token, "lstrip", key, file), flag(token, "rstrip", key, file),
                    flag(token, "single_word", key, file), flag(token, "normalized", key, file)));
        }
        return out;
    }

    private static boolean flag(JsonNode token, String name, String key, Path file) {
        JsonNode value = token.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new AlbertException(file + ": " + key + "." + name + " must be true or false, found " + value);
        }
        return value.booleanValue();
    }

    private static List<FastNormalizer.Step> normalizerSteps(JsonNode node, Path file, TokenizerConfig config,
                                                            boolean keepAccents) {
        List<FastNormalizer.Step> steps = new ArrayList<>();
        for (JsonNode step : sequence(node, "normalizers")) {
            String kind = step.path("type").asText("");
            if (keepAccents && STEPS_REMOVED_BY_KEEP_ACCENTS.contains(kind)
                    || !config.doLowerCase() && kind.equals("Lowercase")) {
                continue;
            }
            switch (kind) {
                case "Replace" -> steps.add(replace(step, file));
                case "NFKD" -> steps.add(new FastNormalizer.Decompose(true));
                case "NFD" -> steps.add(new FastNormalizer.Decompose(false));
                case "StripAccents" -> steps.add(new FastNormalizer.StripAccents());
                case "Lowercase" -> steps.add(new FastNormalizer.Lowercase());
                case "Precompiled" -> {
                    JsonNode map = step.get("precompiled_charsmap");
                    if (map == null || !map.isTextual()) {
                        throw new AlbertException(file + ": normalizer Precompiled needs precompiled_charsmap (base64)");
                    }
                    byte[] bytes;
                    try {
                        bytes = Base64.getDecoder().decode(map.textValue());
                    } catch (IllegalArgumentException e) {
                        throw new AlbertException(file + ": precompiled_charsmap is not base64: " + e.getMessage(), e);
                    }
                    steps.add(precompiled(bytes, file));
                }
                default -> throw new AlbertException(file + ": normalizer type \"" + kind + "\" is not supported "
                        + "(supported: Replace, NFKD, NFD, StripAccents, Lowercase, Precompiled)");
            }
        }
        return steps;
    }

    private static FastNormalizer.Step precompiled(byte[] bytes, Path file) {
        try {
            return new FastNormalizer.Precompiled(new PrecompiledCharsMap(bytes));
        } catch (IllegalStateException e) {
            throw new AlbertException(file + ": corrupt precompiled_charsmap: " + e.getMessage(), e);
        }
    }

    private static FastNormalizer.Step replace(JsonNode step, Path file) {
        JsonNode pattern = step.path("pattern").get("String");
        JsonNode content = step.get("content");
        if (pattern == null || !pattern.isTextual() || pattern.textValue().isEmpty() || content == null
                || !content.isTextual()) {
            throw new AlbertException(file + ": normalizer Replace must have pattern {\"String\": non-empty} and a content "
                    + "string (regex patterns are not supported), found " + step);
        }
        return new FastNormalizer.Replace(pattern.textValue().codePoints().toArray(),
                content.textValue().codePoints().toArray());
    }

    private static FastTokenizer.Metaspace metaspace(JsonNode step, Path file, String key) {
        String kind = step.path("type").asText("");
        if (!kind.equals("Metaspace")) {
            throw new AlbertException(file + ": " + key + " type \"" + kind + "\" is not supported (supported: Metaspace)");
        }
        String replacement = step.path("replacement").asText("\u2581");
        if (replacement.codePointCount(0, replacement.length()) != 1) {
            throw new AlbertException(file + ": " + key + ".replacement must be one character, found \"" + replacement + "\"");
        }
        String scheme = step.path("prepend_scheme").asText(step.path("add_prefix_space").asBoolean(true) ? "always" : "never");
        if (!scheme.equals("always") && !scheme.equals("never")) {
            throw new AlbertException(file + ": " + key + ".prepend_scheme \"" + scheme
                    + "\" is not supported (supported: always, never)");
        }
        return new FastTokenizer.Metaspace(replacement.codePointAt(0), scheme.equals("always"),
                step.path("split").asBoolean(true));
    }

    /** The steps of a component that may be a {@code Sequence}; none for null. */
    private static List<JsonNode> sequence(JsonNode node, String listKey) {
        List<JsonNode> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.path("type").asText("").equals("Sequence")) {
            node.path(listKey).forEach(out::add);
        } else {
            out.add(node);
        }
        return out;
    }

    private static JsonNode object(JsonNode root, String key, Path file) {
        JsonNode node = root.get(key);
        if (node == null || !node.isObject()) {
            throw new AlbertException(file + ": \"" + key + "\" must be an object, found " + node);
        }
        return node;
    }

    /**
     * The {@code TemplateProcessing} post-processor, which must be ALBERT's (and BERT's) shape:
     * {@code CLS:0 $A:0 SEP:0} and {@code CLS:0 $A:0 SEP:0 $B:1 SEP:1}.
     */
    private record Template(EncodingBuilder.Special cls, EncodingBuilder.Special sep) {
        static Template read(JsonNode node, Path file) {
            if (node == null || !node.path("type").asText("").equals("TemplateProcessing")) {
                throw new AlbertException(file + ": post_processor must be TemplateProcessing, found "
                        + (node == null ? "none" : node.path("type")));
            }
            List<String> single = pieces(node.get("single"));
            List<String> pair = pieces(node.get("pair"));
            if (single.size() != 3 || pair.size() != 5 || !single.get(1).equals("$A:0")
                    || !pair.subList(0, 3).equals(single) || !pair.get(3).equals("$B:1")
                    || !pair.get(4).equals(single.get(2).replace(":0", ":1"))) {
                throw new AlbertException(file + ": post_processor template must be [CLS]:0 $A:0 [SEP]:0 / "
                        + "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1, found " + single + " / " + pair);
            }
            return new Template(special(node, single.get(0), file), special(node, single.get(2), file));
        }

        /** Pieces as {@code "NAME:type"}, sequences as {@code "$A:type"}. */
        private static List<String> pieces(JsonNode template) {
            List<String> out = new ArrayList<>();
            if (template == null) {
                return out;
            }
            for (JsonNode piece : template) {
                if (piece.has("SpecialToken")) {
                    out.add(piece.get("SpecialToken").path("id").asText() + ":" + piece.get("SpecialToken").path("type_id").asInt());
                } else {
                    out.add("$" + piece.path("Sequence").path("id").asText() + ":" + piece.path("Sequence").path("type_id").asInt());
                }
            }
            return out;
        }

        private static EncodingBuilder.Special special(JsonNode node, String piece, Path file) {
            String name = piece.substring(0, piece.lastIndexOf(':'));
            JsonNode special = node.path("special_tokens").path(name);
            JsonNode ids = special.path("ids");
            JsonNode tokens = special.path("tokens");
            if (!ids.isArray() || ids.size() != 1 || !ids.get(0).canConvertToInt() || !tokens.isArray() || tokens.size() != 1) {
                throw new AlbertException(file + ": post_processor.special_tokens." + name
                        + " must have one id and one token, found " + special);
            }
            return new EncodingBuilder.Special(tokens.get(0).asText(), ids.get(0).intValue());
        }
    }
}

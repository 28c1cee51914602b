package io.albert4j.tokenizer;

import io.albert4j.AlbertException;
import io.albert4j.hub.HubModelResolver;
import io.albert4j.hub.HubOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ALBERT tokenizer, in one of two {@link TokenizerMode}s.
 *
 * <p>{@link TokenizerMode#FAST} (the default of {@link #load(Path)}) is what Hugging Face's
 * {@code AutoTokenizer} and {@code pipeline(...)} use: the {@code tokenizers}-backed tokenizer
 * (transformers 5.17's {@code AlbertTokenizer}, transformers 4's {@code AlbertTokenizerFast}),
 * implemented in Java from {@code tokenizer.json} — or, for a checkpoint that ships only
 * {@code spiece.model}, from the tokenizer transformers 5 converts it into — id for id and offset
 * for offset: the added tokens (ALBERT's eight user-defined pieces {@code ( ) " - . – £ €} among
 * them) cut out of the raw text, the normalizer sequence, WhitespaceSplit + Metaspace, Unigram,
 * {@code [CLS] A [SEP] B [SEP]} with token types 0/1, the library's truncation (its errors
 * thrown as {@link AlbertException}s with the library's text), padding, and transformers 5.17's
 * decoding.
 *
 * <p>{@link TokenizerMode#SLOW} is Hugging Face's slow {@code AlbertTokenizer} (transformers 4.39)
 * reproduced on SentencePiece (through DJL's native binding): lower-casing outside special tokens;
 * special tokens written in the text kept whole, with {@code [MASK]} absorbing the whitespace on
 * its left; {@code preprocess_text}; SentencePiece unigram encoding; the digit-comma rule;
 * truncation as {@code truncate_sequences} (where Hugging Face only logs an error because a
 * strategy cannot reach the maximum length, this class throws); decoding with
 * {@code clean_up_tokenization}. Unpaired surrogates, which Python cannot even encode, are read as
 * U+FFFD; control characters are removed by SentencePiece's normalization.
 *
 * <p>Offsets, in both modes, are UTF-16 char indices into the text of the token's own sequence
 * ({@code [start, end)}; 0, 0 for added special tokens and padding), the Java counterpart of
 * {@code offset_mapping}, which counts code points: they differ only after characters outside the
 * Basic Multilingual Plane (emoji), which are two chars here and one code point in Python.
 *
 * <p>Thread-safe: one instance may be shared by any number of threads. The fast tokenizer is
 * immutable; in slow mode everything but the native SentencePiece processor is immutable, and the
 * processor's encode is safe to call concurrently (see {@code NativeSentencePiece}).
 * {@link #close()} frees the native processor of slow mode (it waits for calls in progress, and
 * later calls throw {@link IllegalStateException}); in fast mode it does nothing.
 */
public final class AlbertTokenizer implements AutoCloseable {
    /** The SentencePiece model file (needed by {@link TokenizerMode#SLOW}). */
    public static final String MODEL_FILE = "spiece.model";
    /** The {@code tokenizers} file transformers 5 writes (used by {@link TokenizerMode#FAST} when present). */
    public static final String TOKENIZER_FILE = FastTokenizerFiles.TOKENIZER_JSON;

    private final TokenizerMode mode;
    private final FastTokenizer fast;
    private final Vocabulary vocabulary;
    private final NativeSentencePiece sentencePiece;
    private final Preprocessor preprocessor;
    private final SpecialTokens specialTokens;
    private final SegmentEncoder segmentEncoder;
    private final Detokenizer detokenizer;
    private final EncodingBuilder builder;
    private final Set<Integer> specialIds;
    private final Map<String, Integer> roleIds;
    private final String maskToken;
    private final long modelMaxLength;

    private AlbertTokenizer(Path modelFile, TokenizerConfig config, boolean keepAccents) {
        mode = TokenizerMode.SLOW;
        fast = null;
        SpModelFile model = SpModelFile.read(modelFile);
        vocabulary = corruptIfInvalid(() -> new Vocabulary(model), modelFile, "");
        SpNormalizer normalizer = corruptIfInvalid(() -> new SpNormalizer(model), modelFile, "normalizer in ");
        List<SpecialTokens.Special> specials = new ArrayList<>();
        config.specials().values().forEach(spec -> specials.add(new SpecialTokens.Special(spec.content(),
                idInVocabulary(vocabulary, spec.content(), modelFile), spec.lstrip(), spec.rstrip())));
        specialTokens = new SpecialTokens(specials);
        specialIds = Set.copyOf(specials.stream().map(SpecialTokens.Special::id).toList());
        Map<String, Integer> ids = new HashMap<>();
        TokenizerConfig.DEFAULT_SPECIALS.keySet().forEach(role ->
                ids.put(role, idInVocabulary(vocabulary, config.role(role).content(), modelFile)));
        roleIds = Map.copyOf(ids);
        maskToken = config.role("mask_token").content();
        modelMaxLength = config.modelMaxLength();
        preprocessor = new Preprocessor(config.doLowerCase(), config.removeSpace(), keepAccents);
        detokenizer = new Detokenizer(vocabulary, specialIds, model, config.cleanUpSpaces());
        builder = new EncodingBuilder(role(config, "cls_token"), role(config, "sep_token"),
                role(config, "pad_token"), modelMaxLength, false);
        sentencePiece = new NativeSentencePiece(model.bytes, modelFile);
        segmentEncoder = new SegmentEncoder(normalizer, sentencePiece, vocabulary);
    }

    private AlbertTokenizer(FastTokenizerFiles.Loaded loaded, TokenizerConfig config, Path source) {
        mode = TokenizerMode.FAST;
        fast = loaded.tokenizer();
        vocabulary = null;
        sentencePiece = null;
        preprocessor = null;
        specialTokens = null;
        segmentEncoder = null;
        detokenizer = null;
        Map<String, Integer> ids = new HashMap<>();
        TokenizerConfig.DEFAULT_SPECIALS.keySet().forEach(role -> {
            String content = config.role(role).content();
            int id = fast.id(content);
            if (id < 0) {
                throw new AlbertException(role + " " + content + " is not in the vocabulary of " + source);
            }
            ids.put(role, id);
        });
        roleIds = Map.copyOf(ids);
        Set<Integer> special = new java.util.HashSet<>();
        for (int id = 0; id < fast.vocabSize(); id++) {
            if (fast.isSpecial(id)) {
                special.add(id);
            }
        }
        specialIds = Set.copyOf(special);
        maskToken = config.role("mask_token").content();
        modelMaxLength = config.modelMaxLength();
        builder = new EncodingBuilder(loaded.cls(), loaded.sep(),
                new EncodingBuilder.Special(config.role("pad_token").content(), roleIds.get("pad_token")),
                modelMaxLength, true);
    }

    /**
     * Loads the tokenizer of a checkpoint directory, or of a Hugging Face Hub id
     * ({@code albert-base-v2}, {@code org/name@revision}) through Hugging Face's cache. A path that
     * exists is loaded without touching the network; an id is resolved with
     * {@link HubOptions#fromEnvironment()} (see {@link HubModelResolver}).
     */
    public static AlbertTokenizer fromPretrained(String modelIdOrPath) {
        return fromPretrained(modelIdOrPath, HubOptions.fromEnvironment());
    }

    /** Like {@link #fromPretrained(String)}, with the given Hub options (cache, token, revision, offline). */
    public static AlbertTokenizer fromPretrained(String modelIdOrPath, HubOptions hub) {
        return load(new HubModelResolver(hub).resolve(modelIdOrPath));
    }

    /**
     * Loads the tokenizer of a Hugging Face ALBERT checkpoint directory in {@link TokenizerMode#FAST}
     * mode, {@code keep_accents} as {@code tokenizer_config.json} says (false when absent).
     *
     * @param checkpointDir holds {@code tokenizer.json} or {@code spiece.model} (or both; then
     *     {@code tokenizer.json} is used) and optionally {@code tokenizer_config.json}
     *     ({@code do_lower_case}, {@code keep_accents}, {@code model_max_length},
     *     {@code clean_up_tokenization_spaces}, special tokens) and {@code special_tokens_map.json}
     * @throws AlbertException naming the file when both tokenizer files are missing, one is corrupt
     *     or uses a component this library does not implement, or a special token is not in the
     *     vocabulary
     */
    public static AlbertTokenizer load(Path checkpointDir) {
        TokenizerConfig config = readConfig(checkpointDir);
        return load(checkpointDir, config, TokenizerMode.FAST, config.keepAccents());
    }

    /** Like {@link #load(Path)}, in the given mode ({@link TokenizerMode#SLOW} needs {@code spiece.model}). */
    public static AlbertTokenizer load(Path checkpointDir, TokenizerMode mode) {
        TokenizerConfig config = readConfig(checkpointDir);
        return load(checkpointDir, config, mode, config.keepAccents());
    }

    /**
     * Like {@link #load(Path, TokenizerMode)}, with {@code keep_accents} set by the caller instead of
     * {@code tokenizer_config.json}, as {@code from_pretrained(dir, keep_accents=...)} does (accents are
     * stripped after NFKD unless it is true).
     */
    public static AlbertTokenizer load(Path checkpointDir, TokenizerMode mode, boolean keepAccents) {
        return load(checkpointDir, readConfig(checkpointDir), mode, keepAccents);
    }

    private static AlbertTokenizer load(Path dir, TokenizerConfig config, TokenizerMode mode, boolean keepAccents) {
        if (mode == null) {
            throw new IllegalArgumentException("mode is null");
        }
        Path modelFile = dir.resolve(MODEL_FILE);
        Path tokenizerJson = dir.resolve(TOKENIZER_FILE);
        if (mode == TokenizerMode.SLOW) {
            if (!Files.exists(modelFile) && Files.exists(tokenizerJson)) {
                throw new AlbertException("the slow tokenizer needs " + MODEL_FILE + ", but " + dir + " holds only "
                        + TOKENIZER_FILE + " (a transformers-5 checkpoint): use TokenizerMode.FAST");
            }
            return new AlbertTokenizer(modelFile, config, keepAccents);
        }
        if (Files.exists(tokenizerJson)) {
            return new AlbertTokenizer(FastTokenizerFiles.fromTokenizerJson(tokenizerJson, config, keepAccents),
                    config, tokenizerJson);
        }
        if (!Files.exists(modelFile)) {
            throw new AlbertException("tokenizer not found: neither " + tokenizerJson + " nor " + modelFile + " exists");
        }
        SpModelFile model = SpModelFile.read(modelFile);
        return new AlbertTokenizer(FastTokenizerFiles.fromSentencePiece(model, modelFile, config, keepAccents),
                config, modelFile);
    }

    /** The fast tokenizer behind this one, null in slow mode (for tests of its parts). */
    FastTokenizer fastTokenizer() {
        return fast;
    }

    /** The mode this tokenizer was loaded in. */
    public TokenizerMode mode() {
        return mode;
    }

    private static TokenizerConfig readConfig(Path checkpointDir) {
        if (checkpointDir == null) {
            throw new IllegalArgumentException("checkpointDir is null");
        }
        if (!Files.isDirectory(checkpointDir)) {
            throw new AlbertException("tokenizer directory not found: " + checkpointDir);
        }
        return TokenizerConfig.read(checkpointDir);
    }

    /** Runs a step that validates the model's content, naming the file when it fails. */
    private static <T> T corruptIfInvalid(Supplier<T> step, Path modelFile, String what) {
        try {
            return step.get();
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            throw new AlbertException("corrupt " + what + "SentencePiece model " + modelFile + ": " + e.getMessage(), e);
        }
    }

    private static int idInVocabulary(Vocabulary vocabulary, String token, Path modelFile) {
        if (!vocabulary.contains(token)) {
            throw new AlbertException("special token " + token + " is not in the vocabulary of " + modelFile);
        }
        return vocabulary.id(token);
    }

    private EncodingBuilder.Special role(TokenizerConfig config, String role) {
        return new EncodingBuilder.Special(config.role(role).content(), roleIds.get(role));
    }

    /**
     * The pieces of {@code text} without added special tokens, each with its id and its span in
     * {@code text}; special tokens written in the text come back whole.
     */
    public List<Token> tokenize(String text) {
        requireText(text, "text");
        if (fast != null) {
            return fast.tokenize(text);
        }
        AlignedText lowered = preprocessor.lowerOutsideSpecials(text, specialTokens);
        List<Token> tokens = new ArrayList<>(text.length() / 4 + 4);
        for (SpecialTokens.Chunk chunk : specialTokens.split(lowered)) {
            if (chunk.isText()) {
                segmentEncoder.encode(preprocessor.preprocess(lowered, chunk.from(), chunk.to()), tokens);
            } else {
                SpecialTokens.Special special = specialTokens.get(chunk.special());
                tokens.add(new Token(special.content(), special.id(), lowered.start(chunk.from()),
                        lowered.end(chunk.to() - 1)));
            }
        }
        return tokens;
    }

    /** {@code [CLS] text [SEP]} with default options. */
    public Encoding encode(String text) {
        return encode(text, null, EncodeOptions.defaults());
    }

    /** {@code [CLS] text [SEP] pair [SEP]}, or {@code [CLS] text [SEP]} when {@code pair} is null. */
    public Encoding encode(String text, String pair) {
        return encode(text, pair, EncodeOptions.defaults());
    }

    /**
     * Encodes a text or text pair.
     *
     * @param pair the second sequence, or null; in fast mode an empty pair is no pair, as in
     *     transformers 5 ({@code tokenizer("a", "")} gives {@code [CLS] a [SEP]})
     * @throws AlbertException when the truncation strategy cannot reach the maximum length
     */
    public Encoding encode(String text, String pair, EncodeOptions options) {
        requireText(text, "text");
        requireOptions(options);
        boolean noPair = pair == null || fast != null && pair.isEmpty();
        List<Token> first = tokenize(text);
        List<Token> second = noPair ? null : tokenize(pair);
        int maxLength = builder.maxLength(options);
        if (fast == null || second == null || options.truncation() != Truncation.LONGEST_FIRST || maxLength <= 0) {
            return builder.build(first, second, options);
        }
        return builder.build(first, second, options, truncationTokenizedLength(text, first, maxLength),
                truncationTokenizedLength(pair, second, maxLength));
    }

    /**
     * How many of {@code tokens}, the fast tokenization of {@code text}, the {@code tokenizers}
     * library (0.23.1+, as 0.23.2 that the v5 goldens used) produces when it truncates to
     * {@code maxLength}: it tokenizes a truncated sequence split by split (whitespace words and the
     * added tokens cut out of the text) and stops after the first split it tokenizes itself that
     * brings the count to {@code maxLength} or more; an added-token split never stops it (upstream
     * huggingface/tokenizers#2091). The slow tokenizer always tokenizes everything.
     */
    public int truncationTokenizedLength(String text, List<Token> tokens, int maxLength) {
        if (fast == null) {
            return tokens.size();
        }
        int i = 0;
        while (i < tokens.size()) {
            boolean added = isAddedSplit(text, tokens.get(i));
            int end = i + 1;
            while (!added && end < tokens.size() && !startsSplit(text, tokens.get(end))) {
                end++;
            }
            if (!added && end >= maxLength) {
                return end;
            }
            i = end;
        }
        return tokens.size();
    }

    /** A new split starts at a Metaspace word or at an added token cut out of the text. */
    private boolean startsSplit(String text, Token token) {
        return token.piece().charAt(0) == SpNormalizer.SPACE_SYMBOL || isAddedSplit(text, token);
    }

    /** An added token written in the text (not one the model produced, such as an unknown character's). */
    private boolean isAddedSplit(String text, Token token) {
        return isAddedToken(token.id()) && text.substring(token.start(), token.end()).strip().equals(token.piece());
    }

    /**
     * Encodes several texts (and pairs) with the same options; {@link Padding#LONGEST} pads to
     * the longest encoding of the batch.
     *
     * @param pairs null, or one pair per text (an element may be null for no pair)
     */
    public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, EncodeOptions options) {
        if (texts == null) {
            throw new IllegalArgumentException("texts is null");
        }
        if (pairs != null && pairs.size() != texts.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs");
        }
        requireOptions(options);
        List<Encoding> encodings = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            encodings.add(encode(texts.get(i), pairs == null ? null : pairs.get(i), options));
        }
        if (options.padding() != Padding.LONGEST) {
            return encodings;
        }
        int longest = encodings.stream().mapToInt(Encoding::length).max().orElse(0);
        return encodings.stream().map(e -> builder.pad(e, longest)).toList();
    }

    /**
     * Builds an encoding from already tokenized sequences (for example windows of a long
     * context), applying special tokens, truncation and padding as {@link #encode} does.
     *
     * @param second the pair's tokens, or null
     */
    public Encoding encodeIds(List<Token> first, List<Token> second, EncodeOptions options) {
        if (first == null) {
            throw new IllegalArgumentException("first is null");
        }
        requireOptions(options);
        return builder.build(List.copyOf(first), second == null ? null : List.copyOf(second), options);
    }

    /**
     * Decodes ids to text as Hugging Face's {@code decode} does (with
     * {@code clean_up_tokenization_spaces} from the configuration, true by default).
     *
     * @throws AlbertException when an id is outside the vocabulary
     */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        if (ids == null) {
            throw new IllegalArgumentException("ids is null");
        }
        return fast != null ? fast.decode(ids, skipSpecialTokens) : detokenizer.decode(ids, skipSpecialTokens);
    }

    /**
     * Hugging Face's {@code convert_tokens_to_string(convert_ids_to_tokens(ids))}: the ids' text with
     * special tokens kept and no {@code clean_up_tokenization} (what the token-classification pipeline
     * names a group with). In fast mode this is the Metaspace decoder's output.
     *
     * @throws AlbertException when an id is outside the vocabulary
     */
    public String convertIdsToString(int[] ids) {
        if (ids == null) {
            throw new IllegalArgumentException("ids is null");
        }
        if (fast == null) {
            return detokenizer.tokensToString(ids, false);
        }
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            String piece = idToToken(id);
            for (int c = 0; c < piece.length(); c++) {
                char ch = piece.charAt(c);
                out.append(ch != '\u2581' ? ch : out.length() > 0 ? ' ' : "");
            }
        }
        return out.toString();
    }

    /** The id of a piece or special token; the unknown id for anything outside the vocabulary. */
    public int tokenToId(String token) {
        requireText(token, "token");
        if (fast != null) {
            int id = fast.id(token);
            return id < 0 ? unkId() : id;
        }
        return vocabulary.id(token);
    }

    /**
     * The piece of an id.
     *
     * @throws AlbertException when the id is outside {@code [0, vocabSize())}
     */
    public String idToToken(int id) {
        String token = fast != null ? fast.token(id) : vocabulary.inRange(id) ? vocabulary.piece(id) : null;
        if (token == null) {
            throw new AlbertException("token id " + id + " is out of range [0, " + vocabSize() + ")");
        }
        return token;
    }

    /** The number of ids (30000 for ALBERT). */
    public int vocabSize() {
        return fast != null ? fast.vocabSize() : vocabulary.size();
    }

    /** The id of {@code <pad>}, 0 for ALBERT. */
    public int padId() {
        return roleIds.get("pad_token");
    }

    /** The id of {@code [CLS]}, 2 for ALBERT. */
    public int clsId() {
        return roleIds.get("cls_token");
    }

    /** The id of {@code [SEP]}, 3 for ALBERT. */
    public int sepId() {
        return roleIds.get("sep_token");
    }

    /** The id of {@code [MASK]}, 4 for ALBERT. */
    public int maskId() {
        return roleIds.get("mask_token");
    }

    /** The id of {@code <unk>}, 1 for ALBERT. */
    public int unkId() {
        return roleIds.get("unk_token");
    }

    /** The mask token, {@code "[MASK]"} for ALBERT. */
    public String maskToken() {
        return maskToken;
    }

    /**
     * Whether the id is one of the special tokens ({@code <pad> <unk> [CLS] [SEP] [MASK]} for ALBERT),
     * the ones {@code decode(ids, true)} skips. (In fast mode ALBERT's user-defined pieces 5-12 are
     * added tokens but not special, as in the {@code tokenizers} library.)
     */
    public boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    /**
     * Whether the id is an added token of the tokenizer's vocabulary (the special tokens and, for
     * ALBERT, the eight user-defined pieces {@code ( ) " - . – £ €}): where such a token is cut out of
     * the raw text it forms a word of its own.
     */
    public boolean isAddedToken(int id) {
        if (fast != null) {
            return fast.isAdded(id);
        }
        return isSpecial(id) || (vocabulary.inRange(id) && vocabulary.type(id) == SpModelFile.TYPE_USER_DEFINED);
    }

    /**
     * {@code model_max_length} from {@code tokenizer_config.json}; {@link Long#MAX_VALUE} when it
     * is absent or larger (Hugging Face writes 1e30 for "no limit").
     */
    public long modelMaxLength() {
        return modelMaxLength;
    }

    /** Frees the native SentencePiece processor of slow mode; idempotent, and nothing to do in fast mode. */
    @Override
    public void close() {
        if (sentencePiece != null) {
            sentencePiece.close();
        }
    }

    /**
     * Text must be a valid UTF-16 string: a lone surrogate is not a character, and Hugging Face's
     * tokenizers refuse it too (Python raises {@code UnicodeEncodeError: ... surrogates not allowed}).
     */
    private static void requireText(String text, String name) {
        if (text == null) {
            throw new IllegalArgumentException(name + " is null");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new AlbertException(name + " contains a lone UTF-16 surrogate \\u" + Integer.toHexString(c)
                        + " at position " + i + ", which is not a character (Hugging Face's tokenizer refuses it too: "
                        + "'surrogates not allowed'); send valid Unicode text");
            }
        }
    }

    private static void requireOptions(EncodeOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("options is null");
        }
    }
}

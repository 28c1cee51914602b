package io.albert4j.tokenizer;

import io.albert4j.AlbertException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The ALBERT tokenizer: Hugging Face's slow {@code AlbertTokenizer} (transformers 4.39)
 * reproduced id for id on SentencePiece (through DJL's native binding), with character offsets
 * into the original text as Hugging Face's fast tokenizers define them.
 *
 * <p>What it reproduces: lower-casing outside special tokens; special tokens written in the text
 * ({@code [CLS]}, {@code [SEP]}, {@code [MASK]}, {@code <pad>}, {@code <unk>}) kept whole, with
 * {@code [MASK]} absorbing the whitespace on its left; {@code preprocess_text} (whitespace
 * collapsing, {@code ``}/{@code ''} to {@code "}, accent stripping unless {@code keep_accents});
 * SentencePiece unigram encoding; the digit-comma rule; {@code [CLS] A [SEP] B [SEP]} with token
 * types; truncation and padding; decoding with {@code clean_up_tokenization}. Where Hugging Face
 * only logs an error because a truncation strategy cannot reach the maximum length, this class
 * throws an {@link AlbertException}. Unpaired surrogates, which Python cannot even encode, are
 * read as U+FFFD; control characters are removed by SentencePiece's normalization.
 *
 * <p>Thread-safe: one instance may be shared by any number of threads. Everything but the native
 * SentencePiece processor is immutable, and the processor's encode is safe to call concurrently
 * (see {@code NativeSentencePiece}). {@link #close()} frees the native processor; it waits for
 * calls in progress, and later calls throw {@link IllegalStateException}.
 */
public final class AlbertTokenizer implements AutoCloseable {
    /** The SentencePiece model file a checkpoint directory must hold. */
    public static final String MODEL_FILE = "spiece.model";

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
                role(config, "pad_token"), modelMaxLength);
        sentencePiece = new NativeSentencePiece(model.bytes, modelFile);
        segmentEncoder = new SegmentEncoder(normalizer, sentencePiece, vocabulary);
    }

    /**
     * Loads the tokenizer of a Hugging Face ALBERT checkpoint directory.
     *
     * @param checkpointDir holds {@code spiece.model} (required) and optionally
     *     {@code tokenizer_config.json} ({@code do_lower_case}, {@code remove_space},
     *     {@code keep_accents}, {@code model_max_length}, {@code clean_up_tokenization_spaces},
     *     special tokens) and {@code special_tokens_map.json}
     * @throws AlbertException naming the file when {@code spiece.model} is missing or corrupt,
     *     a JSON file is malformed, or a special token is not in the vocabulary
     */
    public static AlbertTokenizer load(Path checkpointDir) {
        TokenizerConfig config = readConfig(checkpointDir);
        return new AlbertTokenizer(checkpointDir.resolve(MODEL_FILE), config, config.keepAccents());
    }

    /**
     * Like {@link #load(Path)}, with {@code keep_accents} set by the caller instead of
     * {@code tokenizer_config.json} (accents are stripped after NFKD unless it is true).
     */
    public static AlbertTokenizer load(Path checkpointDir, boolean keepAccentsOverride) {
        return new AlbertTokenizer(checkpointDir.resolve(MODEL_FILE), readConfig(checkpointDir), keepAccentsOverride);
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
     * @param pair the second sequence, or null
     * @throws AlbertException when the truncation strategy cannot reach the maximum length
     */
    public Encoding encode(String text, String pair, EncodeOptions options) {
        requireText(text, "text");
        requireOptions(options);
        return builder.build(tokenize(text), pair == null ? null : tokenize(pair), options);
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
        return detokenizer.decode(ids, skipSpecialTokens);
    }

    /** The id of a piece or special token; the unknown id for anything outside the vocabulary. */
    public int tokenToId(String token) {
        requireText(token, "token");
        return vocabulary.id(token);
    }

    /**
     * The piece of an id.
     *
     * @throws AlbertException when the id is outside {@code [0, vocabSize())}
     */
    public String idToToken(int id) {
        if (!vocabulary.inRange(id)) {
            throw new AlbertException("token id " + id + " is out of range [0, " + vocabulary.size() + ")");
        }
        return vocabulary.piece(id);
    }

    /** The number of SentencePiece pieces (30000 for ALBERT). */
    public int vocabSize() {
        return vocabulary.size();
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

    /** Whether the id is one of the special tokens ({@code <pad> <unk> [CLS] [SEP] [MASK]} for ALBERT). */
    public boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    /**
     * {@code model_max_length} from {@code tokenizer_config.json}; {@link Long#MAX_VALUE} when it
     * is absent or larger (Hugging Face writes 1e30 for "no limit").
     */
    public long modelMaxLength() {
        return modelMaxLength;
    }

    /** Frees the native SentencePiece processor; idempotent. */
    @Override
    public void close() {
        sentencePiece.close();
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

package io.albert4j.pipeline;

import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Hugging Face's token-classification (NER) pipeline for AlbertForTokenClassification, with its
 * aggregation strategies and ignore_labels. Token scores are the softmax of each token's logits.
 * A token continues the previous word when the characters around its start hold no space (Hugging
 * Face's fallback heuristic for tokenizers without a continuing-subword prefix, which ALBERT's
 * are); an unknown token always starts a word.
 *
 * <p>With a fast tokenizer ({@link AlbertTokenizer#mode()} {@code FAST}) the words are what transformers 5
 * reports: a token's {@code word} is its piece, or for {@code <unk>} the original text under its
 * offsets; a word's and a group's text is their tokens' {@code convert_tokens_to_string} (so a
 * group of first/average/max words joins them without spaces, as transformers does). With a slow
 * tokenizer, transformers 4's: {@code <unk>} stays {@code <unk>} and a group's text is its tokens'
 * {@code convert_tokens_to_string} (no clean-up: {@code "hello , world"}).
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class TokenClassificationPipeline implements Pipeline<String, List<Entity>> {
    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final TokenClassificationOptions options;

    /** With {@link TokenClassificationOptions#defaults()}. */
    public TokenClassificationPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        this(model, tokenizer, TokenClassificationOptions.defaults());
    }

    /** @throws io.albert4j.AlbertException when the checkpoint is not a token classifier */
    public TokenClassificationPipeline(AlbertModel model, AlbertTokenizer tokenizer, TokenClassificationOptions options) {
        Task.TOKEN_CLASSIFICATION.requireServedBy(model);
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = Options.required("options", options);
    }

    /** Equal when sharing the model and tokenizer, with equal options. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TokenClassificationPipeline p && p.model == model && p.tokenizer == tokenizer && p.options.equals(options);
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer), options);
    }

    @Override
    public Task task() {
        return Task.TOKEN_CLASSIFICATION;
    }

    public TokenClassificationOptions options() {
        return options;
    }

    /** This pipeline with other options (the model and tokenizer shared). */
    public TokenClassificationPipeline withOptions(TokenClassificationOptions value) {
        return new TokenClassificationPipeline(model, tokenizer, value);
    }

    /** Batched: one entity list per text, in text order, from one padded forward pass. */
    @Override
    public List<List<Entity>> run(List<String> texts) {
        Batch.requireInputs(texts);
        if (texts.isEmpty()) {
            return List.of();
        }
        EncodeOptions encodeOptions = Batch.truncatedToModel(model);
        List<Encoding> encodings = texts.stream().map(t -> tokenizer.encode(t, null, encodeOptions)).toList();
        INDArray logits = model.forward(Batch.of(encodings, tokenizer.padId())).logits(); // [batch, seq, labels]
        Set<String> ignored = Set.copyOf(options.ignoreLabels());
        Aggregation aggregation = options.aggregationStrategy();
        List<List<Entity>> results = new ArrayList<>();
        for (int b = 0; b < encodings.size(); b++) {
            float[][] rows = logits.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.all()).toFloatMatrix();
            List<TaggedToken> tokens = taggedTokens(texts.get(b), encodings.get(b), rows);
            List<Entity> entities = switch (aggregation) {
                case NONE -> tokens.stream().map(this::labelled).map(this::tokenEntity).toList();
                case SIMPLE -> group(tokens.stream().map(this::labelled).toList());
                case FIRST, AVERAGE, MAX -> group(words(tokens, aggregation));
            };
            results.add(entities.stream().filter(e -> !ignored.contains(e.label())).toList());
        }
        return results;
    }

    /** One real token of the text with its label probabilities and its word as the pipeline reports it. */
    private record TaggedToken(int index, int id, String word, float[] scores, int start, int end, boolean subword) {
    }

    /** A token or word with its chosen label; {@code word} is its text as transformers reports it. */
    private record Labelled(List<TaggedToken> tokens, String word, String label, float score) {
        int start() {
            return tokens.get(0).start;
        }

        int end() {
            return tokens.get(tokens.size() - 1).end;
        }
    }

    private List<TaggedToken> taggedTokens(String text, Encoding encoding, float[][] logits) {
        List<TaggedToken> tokens = new ArrayList<>();
        for (int i = 0; i < encoding.length(); i++) {
            if (encoding.sequenceIds()[i] < 0) {
                continue;
            }
            int id = encoding.inputIds()[i];
            int start = encoding.starts()[i];
            int end = encoding.ends()[i];
            boolean unknown = id == tokenizer.unkId();
            boolean subword = !unknown && start > 0
                    && text.substring(start - 1, Math.min(text.length(), start + 1)).indexOf(' ') < 0;
            String word = unknown && tokenizer.mode() == TokenizerMode.FAST ? text.substring(start, end) : tokenizer.idToToken(id);
            tokens.add(new TaggedToken(i, id, word, Scores.softmax(logits[i]), start, end, subword));
        }
        return tokens;
    }

    /** One token with its own label. */
    private Labelled labelled(TaggedToken token) {
        return labelled(List.of(token), token.word, token.scores);
    }

    private Labelled labelled(List<TaggedToken> tokens, String word, float[] scores) {
        int best = Scores.argmax(scores);
        return new Labelled(tokens, word, model.config().id2label().get(best), scores[best]);
    }

    /** Without aggregation the word is the SentencePiece token itself, as Hugging Face reports it. */
    private Entity tokenEntity(Labelled l) {
        TaggedToken t = l.tokens.get(0);
        return new Entity(l.label, l.score, t.index, l.word, t.start, t.end, false);
    }

    /** Hugging Face's aggregate_words: each word (a token and its subword continuations) labelled once. */
    private List<Labelled> words(List<TaggedToken> tokens, Aggregation aggregation) {
        List<Labelled> words = new ArrayList<>();
        List<TaggedToken> word = new ArrayList<>();
        for (TaggedToken t : tokens) {
            if (!word.isEmpty() && !t.subword) {
                words.add(word(word, aggregation));
                word = new ArrayList<>();
            }
            word.add(t);
        }
        if (!word.isEmpty()) {
            words.add(word(word, aggregation));
        }
        return words;
    }

    private Labelled word(List<TaggedToken> tokens, Aggregation aggregation) {
        float[] scores = switch (aggregation) {
            case FIRST -> tokens.get(0).scores;
            case MAX -> tokens.stream().max(Comparator.comparingDouble(t -> t.scores[Scores.argmax(t.scores)]))
                    .orElseThrow().scores;
            default -> average(tokens.stream().map(TaggedToken::scores).toList());
        };
        return labelled(tokens, FastWords.tokensToString(tokens.stream().map(TaggedToken::word).toList()), scores);
    }

    /** Hugging Face's group_entities: adjacent entities with one tag, a B- tag starting a new group. */
    private List<Entity> group(List<Labelled> entities) {
        List<Entity> groups = new ArrayList<>();
        List<Labelled> current = new ArrayList<>();
        for (Labelled e : entities) {
            if (!current.isEmpty()) {
                Labelled last = current.get(current.size() - 1);
                if (!tag(e.label).equals(tag(last.label)) || e.label.startsWith("B-")) {
                    groups.add(groupOf(current));
                    current = new ArrayList<>();
                }
            }
            current.add(e);
        }
        if (!current.isEmpty()) {
            groups.add(groupOf(current));
        }
        return groups;
    }

    private Entity groupOf(List<Labelled> members) {
        double score = members.stream().mapToDouble(Labelled::score).average().orElseThrow();
        String word;
        if (tokenizer.mode() == TokenizerMode.FAST) {
            word = FastWords.tokensToString(members.stream().map(Labelled::word).toList());
        } else {
            word = tokenizer.convertIdsToString(members.stream().flatMap(m -> m.tokens.stream())
                    .mapToInt(TaggedToken::id).toArray());
        }
        return new Entity(groupName(members.get(0).label), score, -1, word,
                members.get(0).start(), members.get(members.size() - 1).end(), true);
    }

    /**
     * The name of a group: the label after its first "-", whatever the prefix (B-, I-, S-, E-, L-, U-),
     * as {@code label.split("-", 1)[-1]} in Hugging Face's group_sub_entities.
     */
    private static String groupName(String label) {
        int dash = label.indexOf('-');
        return dash < 0 ? label : label.substring(dash + 1);
    }

    /**
     * The tag that decides grouping (Hugging Face's get_tag): B-/I- stripped; any other label,
     * S-ORG included, is its own tag and continues a group of the same label.
     */
    private static String tag(String label) {
        return label.startsWith("B-") || label.startsWith("I-") ? label.substring(2) : label;
    }

    private static float[] average(List<float[]> rows) {
        float[] sum = new float[rows.get(0).length];
        for (float[] r : rows) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += r[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= rows.size();
        }
        return sum;
    }
}

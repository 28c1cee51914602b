package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.AlbertOutput;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Locale;

/**
 * Hugging Face's question-answering pipeline for AlbertForQuestionAnswering.
 *
 * <p>With a fast tokenizer ({@link AlbertTokenizer#mode()} {@code FAST}, the default) it computes what
 * transformers 4.57.6's {@code QuestionAnsweringPipeline} computes with a fast tokenizer (the last
 * implementation; transformers 5.3+ has none): the spans of {@link QuestionSpans}; in each, start
 * and end logits softmaxed over the context tokens and {@code [CLS]} (the others get -10000, the
 * {@code p_mask}); spans {@code start ≤ end < start + max_answer_len} scored P(start)·P(end), the best
 * {@code 2·top_k + 10} kept; each aligned to whole words ({@code word_to_chars}) and reported as
 * the context's characters between them, an answer found twice (ignoring case) adding its scores.
 * {@code max_question_len} does not apply (the question is never cut).
 *
 * <p>With a slow tokenizer, transformers 4's slow-tokenizer algorithm: the context is split into whitespace
 * words, each word tokenized; the question (at most max_question_len tokens) is paired with
 * windows of context tokens that advance by doc_stride; in each window, start and end logits are
 * softmaxed over context tokens only and spans {@code start ≤ end < start + max_answer_len} are scored by
 * P(start)·P(end); the best spans over all windows are reported as whole words of the context.
 *
 * <p>Thread-safe: shares the (thread-safe) model and tokenizer; each call keeps its own state.
 */
public final class QuestionAnsweringPipeline implements Pipeline<QuestionContext, List<Answer>> {
    /** The longest window when the options do not say (Hugging Face's default). */
    public static final int DEFAULT_MAX_SEQ_LEN = 384;
    /** Windows per forward pass by default: memory grows with the pass, not with the context. */
    public static final int DEFAULT_WINDOWS_PER_PASS = 16;
    private static final int MAX_DEFAULT_STRIDE = 128;
    /** Hugging Face's logit for tokens that cannot be part of an answer. */
    private static final float EXCLUDED = -10000f;

    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;
    private final QuestionAnsweringOptions options;
    private final int windowsPerPass;

    /** With {@link QuestionAnsweringOptions#defaults()}. */
    public QuestionAnsweringPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        this(model, tokenizer, QuestionAnsweringOptions.defaults());
    }

    /** @throws AlbertException when the checkpoint is not a question-answering model */
    public QuestionAnsweringPipeline(AlbertModel model, AlbertTokenizer tokenizer, QuestionAnsweringOptions options) {
        this(model, tokenizer, options, DEFAULT_WINDOWS_PER_PASS);
    }

    private QuestionAnsweringPipeline(AlbertModel model, AlbertTokenizer tokenizer, QuestionAnsweringOptions options,
                                      int windowsPerPass) {
        Task.QUESTION_ANSWERING.requireServedBy(model);
        if (windowsPerPass < 1) {
            throw new AlbertException("windowsPerPass must be at least 1, found " + windowsPerPass);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.options = Options.required("options", options);
        this.windowsPerPass = windowsPerPass;
    }

    /** Equal when sharing the model and tokenizer, with equal options and windows per pass. */
    @Override
    public boolean equals(Object o) {
        return o instanceof QuestionAnsweringPipeline p && p.model == model && p.tokenizer == tokenizer && p.options.equals(options)
                && p.windowsPerPass == windowsPerPass;
    }

    @Override
    public int hashCode() {
        return Objects.hash(System.identityHashCode(model), System.identityHashCode(tokenizer), options, windowsPerPass);
    }

    @Override
    public Task task() {
        return Task.QUESTION_ANSWERING;
    }

    public QuestionAnsweringOptions options() {
        return options;
    }

    /** This pipeline with other options (the model and tokenizer shared). */
    public QuestionAnsweringPipeline withOptions(QuestionAnsweringOptions value) {
        return new QuestionAnsweringPipeline(model, tokenizer, value, windowsPerPass);
    }

    /**
     * This pipeline running at most {@code value} windows per forward pass (default
     * {@value #DEFAULT_WINDOWS_PER_PASS}): a long context then costs time, while memory stays that of
     * one pass.
     */
    public QuestionAnsweringPipeline withWindowsPerPass(int value) {
        return new QuestionAnsweringPipeline(model, tokenizer, options, value);
    }

    /**
     * The best answers of each input, highest score first (at most top_k each). The windows of all
     * inputs share forward passes of at most {@code windowsPerPass} windows.
     */
    @Override
    public List<List<Answer>> run(List<QuestionContext> inputs) {
        Batch.requireInputs(inputs);
        int maxSeqLen = maxSeqLen();
        int docStride = options.docStride() > 0 ? options.docStride() : Math.min(maxSeqLen / 2, MAX_DEFAULT_STRIDE);
        if (docStride > maxSeqLen) {
            throw new AlbertException("doc_stride " + docStride + " is larger than max_seq_len " + maxSeqLen);
        }
        boolean fast = tokenizer.mode() == TokenizerMode.FAST;
        List<List<Encoding>> spans = new ArrayList<>();   // fast: per input
        List<ContextWords> words = new ArrayList<>();     // slow: per input
        List<List<Window>> windows = new ArrayList<>();   // slow: per input
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (QuestionContext input : inputs) {
            if (fast) {
                List<Encoding> own = QuestionSpans.of(tokenizer, input.question(), input.context(), maxSeqLen, docStride);
                spans.add(own);
                own.forEach(e -> {
                    ids.add(e.inputIds());
                    types.add(e.tokenTypeIds());
                });
            } else {
                ContextWords own = new ContextWords(input.context());
                List<Window> ownWindows = windows(own, questionIds(input.question()), maxSeqLen, docStride);
                words.add(own);
                windows.add(ownWindows);
                ownWindows.forEach(w -> {
                    ids.add(w.ids);
                    types.add(w.types);
                });
            }
        }
        List<SpanLogits> logits = forward(ids, types);
        List<List<Answer>> results = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < inputs.size(); i++) {
            int rows = fast ? spans.get(i).size() : windows.get(i).size();
            List<SpanLogits> own = logits.subList(row, row + rows);
            row += rows;
            results.add(fast ? fastAnswers(inputs.get(i), spans.get(i), own)
                    : slowAnswers(words.get(i), windows.get(i), own));
        }
        return results;
    }

    /** Start and end logits of one window, [seq] each, padding cut off. */
    private record SpanLogits(float[] start, float[] end) {
    }

    /** Every window's logits, in order, from forward passes of at most {@code windowsPerPass} windows. */
    private List<SpanLogits> forward(List<int[]> ids, List<int[]> types) {
        List<SpanLogits> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += windowsPerPass) {
            int to = Math.min(ids.size(), from + windowsPerPass);
            AlbertOutput pass = model.forward(Batch.pad(ids.subList(from, to), types.subList(from, to), tokenizer.padId()));
            float[][] starts = pass.startLogits().toFloatMatrix(); // [windows, seq]
            float[][] ends = pass.endLogits().toFloatMatrix();     // [windows, seq]
            for (int w = 0; w < to - from; w++) {
                int length = ids.get(from + w).length;
                out.add(new SpanLogits(Arrays.copyOf(starts[w], length), Arrays.copyOf(ends[w], length)));
            }
        }
        return out;
    }

    /** The slow tokenizer's answers of one input from its windows' logits. */
    private List<Answer> slowAnswers(ContextWords words, List<Window> windows, List<SpanLogits> logits) {
        List<Answer> answers = new ArrayList<>();
        float minNullScore = Float.MAX_VALUE;
        for (int w = 0; w < windows.size(); w++) {
            Window window = windows.get(w);
            float[] startProbs = contextSoftmax(logits.get(w).start(), window.answerable);
            float[] endProbs = contextSoftmax(logits.get(w).end(), window.answerable);
            minNullScore = Math.min(minNullScore, startProbs[0] * endProbs[0]);
            startProbs[0] = 0f;
            endProbs[0] = 0f;
            for (Span span : bestSpans(startProbs, endProbs, window.answerable, options)) {
                int firstWord = window.tokenToWord[span.start];
                int lastWord = window.tokenToWord[span.end];
                answers.add(new Answer(span.score, words.start(firstWord), words.end(lastWord),
                        words.join(firstWord, lastWord)));
            }
        }
        if (options.handleImpossibleAnswer()) {
            answers.add(new Answer(windows.isEmpty() ? 1.0 : minNullScore, 0, 0, ""));
        }
        return best(answers);
    }

    /** The fast tokenizer's answers of one input from its spans' logits. */
    private List<Answer> fastAnswers(QuestionContext input, List<Encoding> spans, List<SpanLogits> logits) {
        List<Answer> answers = new ArrayList<>();
        double minNullScore = 1_000_000;
        for (int w = 0; w < spans.size(); w++) {
            Encoding span = spans.get(w);
            boolean[] allowed = new boolean[span.length()];
            for (int i = 0; i < allowed.length; i++) {
                allowed[i] = span.sequenceIds()[i] == 1 || span.inputIds()[i] == tokenizer.clsId();
            }
            float[] startProbs = maskedSoftmax(logits.get(w).start(), allowed);
            float[] endProbs = maskedSoftmax(logits.get(w).end(), allowed);
            if (options.handleImpossibleAnswer()) {
                minNullScore = Math.min(minNullScore, startProbs[0] * endProbs[0]);
            }
            startProbs[0] = 0f;
            endProbs[0] = 0f;
            int[] words = FastWords.wordIds(span, List.of(input.question(), input.context()), tokenizer);
            for (Span candidate : topSpans(startProbs, endProbs, options.maxAnswerLen(), 2 * options.topK() + 10)) {
                // the reference's np.isin against a 2-D nonzero() also admits position 0
                if ((allowed[candidate.start] || candidate.start == 0) && (allowed[candidate.end] || candidate.end == 0)) {
                    addOrMerge(answers, input.context(), wordAligned(span, words, candidate), candidate.score);
                }
            }
        }
        if (options.handleImpossibleAnswer()) {
            answers.add(new Answer(minNullScore, 0, 0, ""));
        }
        return best(answers);
    }

    /** The top_k answers, highest score first. */
    private List<Answer> best(List<Answer> answers) {
        answers.sort(Comparator.comparingDouble(Answer::score).reversed());
        return List.copyOf(answers.subList(0, Math.min(options.topK(), answers.size())));
    }

    /** Softmax where only allowed positions keep their logits (the p_mask), in float32 like numpy. */
    private static float[] maskedSoftmax(float[] logits, boolean[] allowed) {
        for (int i = 0; i < logits.length; i++) {
            if (!allowed[i]) {
                logits[i] = EXCLUDED;
            }
        }
        return Scores.softmax(logits);
    }

    /**
     * decode_spans: the k best of P(start)·P(end) over start ≤ end < start + maxAnswerLen, every
     * position a candidate; ties in flat (start, end) order, as numpy's argmax.
     */
    private static List<Span> topSpans(float[] start, float[] end, int maxAnswerLen, int k) {
        List<Span> spans = new ArrayList<>();
        for (int s = 0; s < start.length; s++) {
            for (int e = s; e < Math.min(end.length, s + maxAnswerLen); e++) {
                spans.add(new Span(s, e, start[s] * end[e]));
            }
        }
        spans.sort(Comparator.comparingDouble((Span sp) -> sp.score).reversed());
        return spans.subList(0, Math.min(k, spans.size()));
    }

    /**
     * get_indices with align_to_words: from the first character of the start token's word to the
     * last of the end token's word, both words looked up in the context; the tokens' own offsets
     * when a token has no word (the reference's fallback).
     */
    private static int[] wordAligned(Encoding span, int[] words, Span candidate) {
        int[] startWord = wordChars(span, words, words[candidate.start]);
        int[] endWord = wordChars(span, words, words[candidate.end]);
        if (startWord == null || endWord == null) {
            return new int[] {span.starts()[candidate.start], span.ends()[candidate.end]};
        }
        return new int[] {startWord[0], endWord[1]};
    }

    /** word_to_chars(word, sequence_index=1): [start, end) of the word's tokens in the context, or null. */
    private static int[] wordChars(Encoding span, int[] words, int word) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < words.length && word >= 0; i++) {
            if (words[i] == word && span.sequenceIds()[i] == 1) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        return first < 0 ? null : new int[] {span.starts()[first], span.ends()[last]};
    }

    /** The reference's get_answer: an answer already found (ignoring case) gains the score. */
    private static void addOrMerge(List<Answer> answers, String context, int[] chars, float score) {
        String text = context.substring(chars[0], chars[1]);
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            if (a.answer().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
                answers.set(i, new Answer(a.score() + score, a.start(), a.end(), a.answer()));
                return;
            }
        }
        answers.add(new Answer(score, chars[0], chars[1], text));
    }

    /**
     * The window length in tokens these options give: {@code max_seq_len}, or when 0 the smallest of
     * {@value #DEFAULT_MAX_SEQ_LEN}, the model's positions and the tokenizer's {@code model_max_length}.
     *
     * @throws AlbertException when {@code max_seq_len} exceeds the model's positions
     */
    public int maxSeqLen() {
        int positions = model.config().maxPositionEmbeddings();
        if (options.maxSeqLen() == 0) {
            return (int) Math.min(Math.min(DEFAULT_MAX_SEQ_LEN, positions), tokenizer.modelMaxLength());
        }
        if (options.maxSeqLen() > positions) {
            throw new AlbertException("max_seq_len " + options.maxSeqLen() + " exceeds the model's "
                    + "max_position_embeddings " + positions);
        }
        return options.maxSeqLen();
    }

    private int[] questionIds(String question) {
        List<Token> tokens = tokenizer.tokenize(question);
        return tokens.stream().limit(options.maxQuestionLen()).mapToInt(Token::id).toArray();
    }

    /**
     * Hugging Face's windows (squad_convert_example_to_features): window i holds the context tokens
     * [i·docStride, i·docStride + room), until one reaches the end of the context.
     */
    private List<Window> windows(ContextWords words, int[] query, int maxSeqLen, int docStride) {
        List<Integer> docIds = new ArrayList<>();
        List<Integer> tokenWords = new ArrayList<>();
        for (int w = 0; w < words.words.size(); w++) {
            for (Token t : tokenizer.tokenize(words.words.get(w))) {
                docIds.add(t.id());
                tokenWords.add(w);
            }
        }
        int room = maxSeqLen - query.length - 3;
        if (room < 1) {
            throw new AlbertException("the question takes " + query.length + " tokens, leaving no room for the "
                    + "context in max_seq_len " + maxSeqLen);
        }
        List<Window> windows = new ArrayList<>();
        for (int start = 0; start < docIds.size(); start += docStride) {
            int length = Math.min(docIds.size() - start, room);
            windows.add(new Window(query, docIds.subList(start, start + length),
                    tokenWords.subList(start, start + length), tokenizer));
            if (docIds.size() - start <= room) {
                break;
            }
        }
        return windows;
    }

    /** Softmax over the answerable tokens and [CLS]; every other token gets Hugging Face's -10000 logit. */
    private static float[] contextSoftmax(float[] logits, boolean[] answerable) {
        float[] masked = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            masked[i] = (i == 0 || (i < answerable.length && answerable[i])) ? logits[i] : EXCLUDED;
        }
        return Scores.softmax(masked);
    }

    /** Hugging Face's decode_spans: top-k of P(start)·P(end) over valid spans of answerable tokens. */
    private static List<Span> bestSpans(float[] start, float[] end, boolean[] answerable, QuestionAnsweringOptions o) {
        List<Span> spans = new ArrayList<>();
        for (int s = 0; s < answerable.length; s++) {
            for (int e = s; e < Math.min(answerable.length, s + o.maxAnswerLen()); e++) {
                spans.add(new Span(s, e, start[s] * end[e]));
            }
        }
        spans.sort(Comparator.comparingDouble((Span sp) -> sp.score).reversed());
        return spans.stream().limit(o.topK()).filter(sp -> answerable[sp.start] && answerable[sp.end]).toList();
    }

    private record Span(int start, int end, float score) {
    }

    /** One window: [CLS] question [SEP] context tokens [SEP]. */
    private static final class Window {
        final int[] ids;             // [seq]
        final int[] types;           // [seq]
        final boolean[] answerable;  // [seq]: context tokens that are not special or unknown
        final int[] tokenToWord;     // [seq]: context word of each context token, -1 elsewhere

        Window(int[] query, List<Integer> contextIds, List<Integer> contextWords, AlbertTokenizer tokenizer) {
            int offset = query.length + 2;
            int seq = offset + contextIds.size() + 1;
            ids = new int[seq];
            types = new int[seq];
            answerable = new boolean[seq];
            tokenToWord = new int[seq];
            java.util.Arrays.fill(tokenToWord, -1);
            ids[0] = tokenizer.clsId();
            System.arraycopy(query, 0, ids, 1, query.length);
            ids[offset - 1] = tokenizer.sepId();
            for (int i = 0; i < contextIds.size(); i++) {
                int p = offset + i;
                ids[p] = contextIds.get(i);
                types[p] = 1;
                answerable[p] = !tokenizer.isSpecial(ids[p]);
                tokenToWord[p] = contextWords.get(i);
            }
            ids[seq - 1] = tokenizer.sepId();
            types[seq - 1] = 1;
        }
    }
}

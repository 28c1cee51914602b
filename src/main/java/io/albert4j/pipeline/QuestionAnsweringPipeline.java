package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.model.AlbertOutput;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.TokenizerMode;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Token;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
public final class QuestionAnsweringPipeline {
    /** The longest window when the options do not say (Hugging Face's default). */
    public static final int DEFAULT_MAX_SEQ_LEN = 384;
    /** Windows per forward pass by default: memory grows with the pass, not with the context. */
    public static final int DEFAULT_WINDOWS_PER_PASS = 16;
    private static final int MAX_DEFAULT_STRIDE = 128;
    /** Hugging Face's logit for tokens that cannot be part of an answer. */
    private static final float EXCLUDED = -10000f;

    private final AlbertModel model;
    private final AlbertTokenizer tokenizer;

    public QuestionAnsweringPipeline(AlbertModel model, AlbertTokenizer tokenizer) {
        Batch.requireHead(model, "question answering", Architecture.QUESTION_ANSWERING);
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /**
     * The best answers to a question in a context, highest score first (at most top_k); the context's
     * windows run {@value #DEFAULT_WINDOWS_PER_PASS} per forward pass.
     */
    public List<Answer> answer(String question, String context, QuestionAnsweringOptions options) {
        return answer(question, context, options, DEFAULT_WINDOWS_PER_PASS);
    }

    /**
     * As {@link #answer(String, String, QuestionAnsweringOptions)}, with at most {@code windowsPerPass}
     * windows per forward pass: a long context then costs time, while memory stays that of one pass.
     */
    public List<Answer> answer(String question, String context, QuestionAnsweringOptions options, int windowsPerPass) {
        if (windowsPerPass < 1) {
            throw new IllegalArgumentException("windowsPerPass must be at least 1, found " + windowsPerPass);
        }
        if (question == null || question.isBlank()) {
            throw new AlbertException("question cannot be empty");
        }
        if (context == null || context.isBlank()) {
            throw new AlbertException("context cannot be empty");
        }
        int maxSeqLen = maxSeqLen(options);
        int docStride = options.docStride() > 0 ? options.docStride() : Math.min(maxSeqLen / 2, MAX_DEFAULT_STRIDE);
        if (docStride > maxSeqLen) {
            throw new AlbertException("doc_stride " + docStride + " is larger than max_seq_len " + maxSeqLen);
        }
        if (tokenizer.mode() == TokenizerMode.FAST) {
            return fastAnswers(question, context, maxSeqLen, docStride, options);
        }
        ContextWords words = new ContextWords(context);
        int[] query = questionIds(question, options.maxQuestionLen());
        List<Window> windows = windows(words, query, maxSeqLen, docStride);
        List<Answer> answers = new ArrayList<>();
        float minNullScore = Float.MAX_VALUE;
        for (int from = 0; from < windows.size(); from += windowsPerPass) {
            List<Window> pass = windows.subList(from, Math.min(windows.size(), from + windowsPerPass));
            AlbertOutput out = model.forward(Batch.pad(pass.stream().map(w -> w.ids).toList(),
                    pass.stream().map(w -> w.types).toList(), tokenizer.padId()));
            float[][] starts = out.startLogits().toFloatMatrix(); // [windows, seq]
            float[][] ends = out.endLogits().toFloatMatrix();     // [windows, seq]
            for (int w = 0; w < pass.size(); w++) {
                Window window = pass.get(w);
                float[] startProbs = contextSoftmax(starts[w], window.answerable);
                float[] endProbs = contextSoftmax(ends[w], window.answerable);
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
        }
        if (options.handleImpossibleAnswer()) {
            answers.add(new Answer(windows.isEmpty() ? 1.0 : minNullScore, 0, 0, ""));
        }
        answers.sort(Comparator.comparingDouble(Answer::score).reversed());
        return List.copyOf(answers.subList(0, Math.min(options.topK(), answers.size())));
    }

    private List<Answer> fastAnswers(String question, String context, int maxSeqLen, int docStride,
                                     QuestionAnsweringOptions options) {
        List<Encoding> spans = QuestionSpans.of(tokenizer, question, context, maxSeqLen, docStride);
        AlbertOutput out = model.forward(Batch.of(spans, tokenizer.padId()));
        float[][] starts = out.startLogits().toFloatMatrix(); // [spans, seq]
        float[][] ends = out.endLogits().toFloatMatrix();     // [spans, seq]
        List<Answer> answers = new ArrayList<>();
        double minNullScore = 1_000_000;
        for (int w = 0; w < spans.size(); w++) {
            Encoding span = spans.get(w);
            boolean[] allowed = new boolean[span.length()];
            for (int i = 0; i < allowed.length; i++) {
                allowed[i] = span.sequenceIds()[i] == 1 || span.inputIds()[i] == tokenizer.clsId();
            }
            float[] startProbs = maskedSoftmax(Arrays.copyOf(starts[w], allowed.length), allowed);
            float[] endProbs = maskedSoftmax(Arrays.copyOf(ends[w], allowed.length), allowed);
            if (options.handleImpossibleAnswer()) {
                minNullScore = Math.min(minNullScore, startProbs[0] * endProbs[0]);
            }
            startProbs[0] = 0f;
            endProbs[0] = 0f;
            int[] words = FastWords.wordIds(span, List.of(question, context), tokenizer);
            for (Span candidate : topSpans(startProbs, endProbs, options.maxAnswerLen(), 2 * options.topK() + 10)) {
                // the reference's np.isin against a 2-D nonzero() also admits position 0
                if ((allowed[candidate.start] || candidate.start == 0) && (allowed[candidate.end] || candidate.end == 0)) {
                    addOrMerge(answers, context, wordAligned(span, words, candidate), candidate.score);
                }
            }
        }
        if (options.handleImpossibleAnswer()) {
            answers.add(new Answer(minNullScore, 0, 0, ""));
        }
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

    private int maxSeqLen(QuestionAnsweringOptions options) {
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

    private int[] questionIds(String question, int maxQuestionLen) {
        List<Token> tokens = tokenizer.tokenize(question);
        return tokens.stream().limit(maxQuestionLen).mapToInt(Token::id).toArray();
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

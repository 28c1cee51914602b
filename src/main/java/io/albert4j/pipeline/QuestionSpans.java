package io.albert4j.pipeline;

import io.albert4j.AlbertException;
import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.EncodeOptions;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.tokenizer.Token;

import java.util.ArrayList;
import java.util.List;

/**
 * The spans transformers' question-answering pipeline scores with a fast tokenizer:
 * {@code tokenizer(question, context, truncation="only_second", max_length=max_seq_len,
 * stride=doc_stride, return_overflowing_tokens=True)}. The question is never cut; the context is
 * cut into parts of {@code max_seq_len - len(question) - 3} tokens, each part starting
 * {@code doc_stride} tokens before the previous one ended (the {@code tokenizers} library's
 * overflow: the stride is the overlap), until a part reaches the end of the context. Each span is
 * {@code [CLS] question [SEP] part [SEP]}, with token types 0/1 and offsets into the question and
 * the context.
 *
 * <p>As in the reference ({@code tokenizers} 0.23.2, which the v5 goldens used), the context is
 * tokenized only until {@code max_seq_len} tokens exist and the parts are taken from those: 0.23.1+
 * tokenizes a truncated sequence split by split (whitespace words and the added tokens cut out of
 * the text) and stops after the first split it tokenizes that brings the count to
 * {@code max_seq_len} or more; an added-token split, tokenized beforehand, never stops it (upstream
 * huggingface/tokenizers#2091). So the spans never reach much past the {@code max_seq_len}-th
 * context token, and an answer further on is not found, but the word holding that token is
 * always whole ({@code tokenizers} 0.22 windows the whole context instead).
 */
final class QuestionSpans {
    private QuestionSpans() {
    }

    static List<Encoding> of(AlbertTokenizer tokenizer, String question, String context, int maxSeqLen,
                             int docStride) {
        List<Token> query = tokenizer.tokenize(question);
        List<Token> all = tokenizer.tokenize(context);
        List<Token> document = all.subList(0, tokenizer.truncationTokenizedLength(context, all, maxSeqLen));
        int total = query.size() + document.size() + 3;
        if (total <= maxSeqLen) {
            return List.of(tokenizer.encodeIds(query, document, EncodeOptions.defaults()));
        }
        int room = maxSeqLen - query.size() - 3;
        if (room < 1) {
            throw new AlbertException("the question takes " + query.size() + " tokens, leaving no room for the "
                    + "context in max_seq_len " + maxSeqLen);
        }
        if (docStride >= room) {
            throw new AlbertException("doc_stride " + docStride + " must be smaller than the " + room
                    + " context tokens a span holds (max_seq_len " + maxSeqLen + " minus the question's "
                    + query.size() + " tokens and 3 special tokens)");
        }
        List<Encoding> spans = new ArrayList<>();
        for (int start = 0; ; start += room - docStride) {
            int stop = Math.min(start + room, document.size());
            spans.add(tokenizer.encodeIds(query, document.subList(start, stop), EncodeOptions.defaults()));
            if (stop == document.size()) {
                return spans;
            }
        }
    }
}

package io.albert4j.server;

import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Task;
import io.albert4j.wire.InferenceApi;
import io.albert4j.wire.InferenceRequest;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Hugging Face task a checkpoint is served as, chosen from its architecture, and how that task's
 * Inference API requests ({@link InferenceApi}) become {@link Job}s held to the server's budgets.
 * Parsing runs on HTTP threads; it is thread-safe since it only reads the (thread-safe) model,
 * tokenizer and pipelines.
 */
abstract class ServedTask {
    final AlbertModel model;
    final AlbertTokenizer tokenizer;
    /** The budgets requests are held to; set once by {@link #of} before the task is shared. */
    ServerOptions budgets;

    ServedTask(AlbertModel model, AlbertTokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
    }

    /** The task served. */
    abstract Task task();

    /** The Hugging Face pipeline tag: fill-mask, text-classification, ... */
    final String name() {
        return task().taskName();
    }

    /** Parameters this task accepts. */
    Set<String> parameters() {
        return InferenceApi.parameters(task());
    }

    /** The job for a request; a 400 {@link HttpError} (or an {@link AlbertException}) for wrong fields or values. */
    abstract Job<?, ?> job(InferenceRequest request);

    /** Parses and validates a body into a job. */
    final Job<?, ?> parse(byte[] body) {
        try {
            InferenceRequest request = InferenceRequest.parse(body, InferenceApi.inputFields(task()));
            request.requireKnownParameters(name(), parameters());
            return job(request);
        } catch (AlbertException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /**
     * The checkpoint's default task ({@link Task#defaultFor}) where the Inference API defines it,
     * else feature-extraction (multiple choice); a zero-shot model also answers text-classification
     * requests.
     */
    static ServedTask of(AlbertModel model, AlbertTokenizer tokenizer, ServerOptions budgets) {
        ServedTask task = of(model, tokenizer);
        task.holdTo(budgets);
        return task;
    }

    /** Sets the budgets; a task that delegates to another passes them on. */
    void holdTo(ServerOptions options) {
        budgets = options;
    }

    private static ServedTask of(AlbertModel model, AlbertTokenizer tokenizer) {
        Task task = Task.defaultFor(model);
        return switch (task.inferenceApi() ? task : Task.FEATURE_EXTRACTION) {
            case FILL_MASK -> new FillMaskTask(model, tokenizer);
            case ZERO_SHOT_CLASSIFICATION -> new ZeroShotClassificationTask(model, tokenizer);
            case TEXT_CLASSIFICATION -> new TextClassificationTask(model, tokenizer);
            case QUESTION_ANSWERING -> new QuestionAnsweringTask(model, tokenizer);
            case TOKEN_CLASSIFICATION -> new TokenClassificationTask(model, tokenizer);
            case FEATURE_EXTRACTION, MULTIPLE_CHOICE, SENTENCE_ORDER -> new FeatureExtractionTask(model, tokenizer);
        };
    }

    /**
     * With {@code truncation: false}, a 400 for a text (and pair) longer than the model's positions;
     * otherwise the pipelines cut such inputs to fit (longest first, as Hugging Face).
     */
    void requireFits(boolean truncation, String text, String pair) {
        if (truncation) {
            return;
        }
        int positions = model.config().maxPositionEmbeddings();
        int length = tokenizer.encode(text, pair).length();
        if (length > positions) {
            throw HttpError.badRequest("input is " + length + " tokens long (with special tokens) but the model takes "
                    + "at most " + positions + "; send \"truncation\": true to cut it");
        }
    }

    /**
     * Holds a request to {@link ServerOptions#maxRequestTokens()} and returns its inputs' token counts
     * for the batcher. Each input is its sequences (a text; a text and its pair; a question and its
     * context); {@code capped} says the pipeline truncates it to the model's positions. Cheap upper
     * bounds are used while they fit (a SentencePiece token covers at least one character, plus at most
     * one word-start piece per word); when they do not, the inputs are tokenized and counted exactly.
     *
     * @throws HttpError 413 when the request holds more tokens than the budget
     */
    List<Integer> requestTokens(List<String[]> inputs, boolean capped) {
        if (inputs.size() > budgets.maxInputs()) {
            throw new HttpError(413, "the request has " + inputs.size() + " inputs; the limit is "
                    + budgets.maxInputs() + " (--max-inputs)");
        }
        int positions = model.config().maxPositionEmbeddings();
        List<Integer> counts = new ArrayList<>(inputs.size());
        long total = 0;
        for (String[] sequences : inputs) {
            long bound = 3;
            for (String s : sequences) {
                bound += s == null ? 0 : 2L * s.length();
            }
            int count = (int) Math.min(capped ? positions : Integer.MAX_VALUE, bound);
            counts.add(count);
            total += count;
        }
        if (total <= budgets.maxRequestTokens()) {
            return counts;
        }
        counts.clear();
        total = 0;
        for (String[] sequences : inputs) {
            long exact = 1;
            for (String s : sequences) {
                exact += s == null ? 0 : tokenizer.tokenize(s).size() + 1;
            }
            int count = (int) Math.min(capped ? positions : Integer.MAX_VALUE, exact);
            counts.add(count);
            total += count;
            if (total > budgets.maxRequestTokens()) {
                throw new HttpError(413, "the request holds more than " + budgets.maxRequestTokens() + " tokens "
                        + "(the limit, --max-request-tokens); send fewer or shorter inputs");
            }
        }
        return counts;
    }

    /** The texts of single-text inputs, as {@link #requestTokens} takes them. */
    static List<String[]> singles(List<String> texts) {
        return texts.stream().map(t -> new String[]{t}).toList();
    }
}

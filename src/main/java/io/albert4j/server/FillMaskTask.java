package io.albert4j.server;

import io.albert4j.cli.JsonResults;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.FillMaskCandidate;
import io.albert4j.pipeline.FillMaskPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.util.List;
import java.util.Set;

/**
 * fill-mask: {@code {"inputs": "text" | ["text", ...], "parameters": {"top_k": 5, "targets": [...]}}} →
 * the candidates of the text (a list per mask when there are several), or one such answer per text
 * for a list. A text longer than the model's positions is refused (truncating it could cut the mask);
 * {@code top_k} is at most {@value #MAX_TOP_K}.
 */
final class FillMaskTask extends ServedTask {
    /** The largest top_k: bounds the response (each candidate carries a decoded sequence). */
    static final int MAX_TOP_K = 1000;

    private final FillMaskPipeline pipeline;

    FillMaskTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new FillMaskPipeline(model, tokenizer);
    }

    @Override
    String name() {
        return "fill-mask";
    }

    @Override
    Set<String> parameters() {
        return Set.of("top_k", "targets");
    }

    @Override
    Job job(Request request) {
        Texts texts = Texts.of(request.inputs());
        int topK = request.integer("top_k", FillMaskPipeline.DEFAULT_TOP_K, 1, MAX_TOP_K);
        List<String> targets = request.strings("targets");
        List<Integer> tokens = requestTokens(singles(texts.texts()), false);
        long candidates = 0;
        for (String text : texts.texts()) {
            candidates += (long) Math.max(1, occurrences(text, tokenizer.maskToken())) * topK;
        }
        if (candidates > budgets.maxCandidates()) {
            throw new HttpError(413, "the answer would hold " + candidates + " candidates (masks × texts × top_k); "
                    + "the limit is " + budgets.maxCandidates() + " (--max-candidates): send fewer masks or texts, "
                    + "or a smaller top_k");
        }
        Runner runner = new Fill(pipeline, topK, targets == null || targets.isEmpty() ? null : List.copyOf(targets));
        return new Job(runner, texts.asInputs(), results -> {
            if (texts.single()) {
                return JsonResults.fillMask(candidates(results.get(0)));
            }
            var out = JsonResults.JSON.createArrayNode();
            results.forEach(r -> out.add(JsonResults.fillMask(candidates(r))));
            return out;
        }).withTokens(tokens);
    }

    private static int occurrences(String text, String token) {
        int n = 0;
        for (int at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + token.length())) {
            n++;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static List<List<FillMaskCandidate>> candidates(Object result) {
        return (List<List<FillMaskCandidate>>) result;
    }

    private record Fill(FillMaskPipeline pipeline, int topK, List<String> targets) implements Runner {
        @Override
        public List<?> run(List<Object> inputs) {
            return pipeline.fill(inputs.stream().map(String.class::cast).toList(), topK, targets);
        }
    }
}

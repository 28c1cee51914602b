package io.albert4j.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.albert4j.cli.JsonResults;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.Aggregation;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.TokenClassificationPipeline;
import io.albert4j.tokenizer.AlbertTokenizer;

import java.util.List;
import java.util.Set;

/**
 * token-classification: {@code {"inputs": "text" | [...], "parameters": {"aggregation_strategy":
 * "simple", "ignore_labels": ["O"], "truncation": true}}} → {@code [{"entity_group", "score", "word",
 * "start", "end"}, ...]} (with {@code "aggregation_strategy": "none"}: {@code entity} and {@code index}
 * instead of {@code entity_group}); a list of those for a list of texts. Aggregation defaults to
 * simple, as in the Inference API.
 */
final class TokenClassificationTask extends ServedTask {
    private final TokenClassificationPipeline pipeline;

    TokenClassificationTask(AlbertModel model, AlbertTokenizer tokenizer) {
        super(model, tokenizer);
        pipeline = new TokenClassificationPipeline(model, tokenizer);
    }

    @Override
    String name() {
        return "token-classification";
    }

    @Override
    Set<String> parameters() {
        return Set.of("aggregation_strategy", "ignore_labels", "stride", "truncation");
    }

    @Override
    Job job(Request request) {
        Texts texts = Texts.of(request.inputs());
        Aggregation aggregation = Aggregation.parse(request.string("aggregation_strategy", "simple"));
        List<String> ignore = request.strings("ignore_labels");
        request.unsupported("stride", "texts longer than the model's positions are truncated");
        boolean truncation = request.bool("truncation", true);
        List<Integer> tokens = requestTokens(singles(texts.texts()), truncation);
        texts.texts().forEach(t -> requireFits(truncation, t, null));
        Runner runner = new Tag(pipeline, aggregation,
                ignore == null ? TokenClassificationPipeline.DEFAULT_IGNORE_LABELS : List.copyOf(ignore));
        return new Job(runner, texts.asInputs(), results -> {
            if (texts.single()) {
                return JsonResults.entities(texts.texts().get(0), entities(results.get(0)));
            }
            ArrayNode out = JsonResults.JSON.createArrayNode();
            for (int i = 0; i < results.size(); i++) {
                out.add(JsonResults.entities(texts.texts().get(i), entities(results.get(i))));
            }
            return out;
        }).withTokens(tokens);
    }

    @SuppressWarnings("unchecked")
    private static List<Entity> entities(Object result) {
        return (List<Entity>) result;
    }

    private record Tag(TokenClassificationPipeline pipeline, Aggregation aggregation, List<String> ignoreLabels)
            implements Runner {
        @Override
        public List<?> run(List<Object> inputs) {
            return pipeline.tag(inputs.stream().map(String.class::cast).toList(), aggregation, ignoreLabels);
        }
    }
}

package io.albert4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.AlbertException;
import io.albert4j.model.AlbertModel;
import io.albert4j.pipeline.PretrainingEvaluation;
import io.albert4j.pipeline.PretrainingEvaluation.MaskedExample;
import io.albert4j.pipeline.PretrainingEvaluation.OrderExample;
import io.albert4j.wire.JsonResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code evaluate --sample FILE}: held-out masked-LM top-1/top-5 and sentence-order accuracy of an
 * AlbertForPreTraining checkpoint on a sample file
 * {@code {"mlm": [{"input_ids", "token_type_ids", "masked_positions", "labels"}], "sop": [{"input_ids", "token_type_ids", "label"}]}}.
 */
@Command(name = "evaluate", description = "Held-out masked-LM top-1/top-5 and sentence-order accuracy of an "
        + "AlbertForPreTraining checkpoint on pre-masked examples.")
final class EvaluateCommand implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Option(names = "--sample", paramLabel = "FILE", required = true,
            description = "{\"mlm\": [{input_ids, token_type_ids, masked_positions, labels}], "
                    + "\"sop\": [{input_ids, token_type_ids, label}]}")
    Path sample;

    @Override
    public Integer call() throws IOException {
        JsonNode examples = read(sample);
        try (AlbertModel loaded = AlbertModel.load(LoadedModel.resolve(model.model, root.console()))) {
            PretrainingEvaluation.Result r = PretrainingEvaluation.evaluate(loaded, masked(examples), ordered(examples));
            ObjectNode out = JsonResults.JSON.createObjectNode()
                    .put("mlm_top1", r.mlmTop1()).put("mlm_top5", r.mlmTop5()).put("masked_tokens", r.maskedTokens())
                    .put("sop_accuracy", r.sopAccuracy()).put("sop_pairs", r.sopPairs());
            root.console().out().println(JsonResults.JSON.writeValueAsString(out));
            return 0;
        }
    }

    private static JsonNode read(Path file) throws IOException {
        try {
            return JsonResults.JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new AlbertException("sample file not found: " + file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AlbertException(file + " is not JSON: " + e.getOriginalMessage());
        }
    }

    private static List<MaskedExample> masked(JsonNode root) {
        List<MaskedExample> out = new ArrayList<>();
        for (JsonNode e : list(root, "mlm")) {
            out.add(new MaskedExample(ints(e, "input_ids"), ints(e, "token_type_ids"), ints(e, "masked_positions"),
                    ints(e, "labels")));
        }
        return out;
    }

    private static List<OrderExample> ordered(JsonNode root) {
        List<OrderExample> out = new ArrayList<>();
        for (JsonNode e : list(root, "sop")) {
            out.add(new OrderExample(ints(e, "input_ids"), ints(e, "token_type_ids"), e.path("label").asInt()));
        }
        return out;
    }

    private static JsonNode list(JsonNode root, String key) {
        JsonNode list = root.get(key);
        if (list == null || !list.isArray()) {
            throw new AlbertException("sample file needs a \"" + key + "\" list");
        }
        return list;
    }

    private static int[] ints(JsonNode example, String key) {
        JsonNode values = example.get(key);
        if (values == null || !values.isArray()) {
            throw new AlbertException("sample example needs an integer list \"" + key + "\"");
        }
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asInt();
        }
        return out;
    }
}

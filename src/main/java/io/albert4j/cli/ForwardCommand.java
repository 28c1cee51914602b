package io.albert4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertOutput;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.wire.JsonResults;

import java.util.Arrays;
import java.util.Set;

/**
 * {@code forward [--pair TEXT_B] [--max-length N] TEXT} or {@code forward --input-ids 2,48,25,3}:
 * the inputs and every output of the checkpoint's class under Hugging Face's names, as nested
 * arrays with the batch dimension first.
 */
final class ForwardCommand implements Command {
    public String name() {
        return "forward";
    }

    public String usage() {
        return "[--model DIR|ID] [--tokenizer fast|slow] [--pair TEXT_B] [--max-length N] (TEXT | --input-ids 2,48,25,3)";
    }

    public Set<String> valueOptions() {
        return Set.of("--model", "--tokenizer", "--pair", "--max-length", "--input-ids", "--truncation");
    }

    public int run(CliArgs args, Console console) throws Exception {
        try (LoadedModel loaded = LoadedModel.load(args, console)) {
            AlbertInput input = input(args, loaded);
            AlbertOutput out = loaded.model().forward(input);
            ObjectNode json = JsonResults.JSON.createObjectNode();
            json.set("input_ids", JsonResults.JSON.valueToTree(input.inputIds()));
            json.set("token_type_ids", JsonResults.JSON.valueToTree(input.tokenTypeIds()));
            json.set("attention_mask", JsonResults.JSON.valueToTree(input.attentionMask()));
            addOutputs(json, out, loaded.model().architecture());
            console.out().println(JsonResults.JSON.writeValueAsString(json));
            return 0;
        }
    }

    private static AlbertInput input(CliArgs args, LoadedModel loaded) {
        String ids = args.value("--input-ids");
        if (ids != null) {
            if (!args.positional().isEmpty()) {
                throw new CliException("forward: give either TEXT or --input-ids, not both");
            }
            try {
                return AlbertInput.of(new int[][] {Arrays.stream(ids.split(",")).map(String::trim)
                        .mapToInt(Integer::parseInt).toArray()});
            } catch (NumberFormatException e) {
                throw new CliException("forward: --input-ids expects comma-separated integers, found \"" + ids + "\"");
            }
        }
        Encoding e = loaded.tokenizer().encode(args.text(), args.value("--pair"), TokenizeCommand.options(args));
        return AlbertInput.of(new int[][] {e.inputIds()}, new int[][] {e.tokenTypeIds()}, new int[][] {e.attentionMask()});
    }

    private static void addOutputs(ObjectNode json, AlbertOutput out, Architecture architecture) {
        json.set("last_hidden_state", JsonResults.nested(out.lastHiddenState()));
        if (out.poolerOutput() != null) {
            json.set("pooler_output", JsonResults.nested(out.poolerOutput()));
        }
        if (architecture == Architecture.MASKED_LM) {
            json.set("logits", JsonResults.nested(out.predictionLogits()));
        } else if (out.hasPredictionLogits()) {
            json.set("prediction_logits", JsonResults.nested(out.predictionLogits()));
        }
        if (out.logits() != null) {
            json.set("logits", JsonResults.nested(out.logits()));
        }
        if (out.sopLogits() != null) {
            json.set("sop_logits", JsonResults.nested(out.sopLogits()));
        }
        if (out.startLogits() != null) {
            json.set("start_logits", JsonResults.nested(out.startLogits()));
            json.set("end_logits", JsonResults.nested(out.endLogits()));
        }
    }
}

package io.albert4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.model.AlbertInput;
import io.albert4j.model.AlbertOutput;
import io.albert4j.model.Architecture;
import io.albert4j.tokenizer.Encoding;
import io.albert4j.wire.JsonResults;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * {@code forward [--pair TEXT_B] [--max-length N] TEXT} or {@code forward --input-ids 2,48,25,3}:
 * the inputs and every output of the checkpoint's class under Hugging Face's names, as nested
 * arrays with the batch dimension first.
 */
@Command(name = "forward", description = "Every output of the checkpoint's class for TEXT (or for --input-ids), "
        + "under Hugging Face's names, batch dimension first.")
final class ForwardCommand implements Callable<Integer> {
    @ParentCommand
    AlbertCommand root;

    @Mixin
    ModelOption model;

    @Mixin
    TokenizerOption tokenizer;

    @Option(names = "--pair", paramLabel = "TEXT_B", description = "the second text of a pair")
    String pair;

    @Mixin
    EncodingOptions encoding;

    @Option(names = "--input-ids", paramLabel = "2,48,25,3", description = "token ids to run instead of a TEXT")
    String inputIds;

    @Parameters(paramLabel = "TEXT", arity = "0..1", description = "the text")
    String text;

    @Override
    public Integer call() throws Exception {
        if ((inputIds == null) == (text == null)) {
            throw new CliException("give either TEXT or --input-ids, " + (text == null ? "found neither" : "not both"));
        }
        int[] ids = inputIds == null ? null : ids(inputIds);
        try (LoadedModel loaded = LoadedModel.load(model, tokenizer, root.console())) {
            AlbertInput input = ids != null ? AlbertInput.of(new int[][] {ids}) : encode(loaded);
            AlbertOutput out = loaded.model().forward(input);
            ObjectNode json = JsonResults.JSON.createObjectNode();
            json.set("input_ids", JsonResults.JSON.valueToTree(input.inputIds()));
            json.set("token_type_ids", JsonResults.JSON.valueToTree(input.tokenTypeIds()));
            json.set("attention_mask", JsonResults.JSON.valueToTree(input.attentionMask()));
            addOutputs(json, out, loaded.model().architecture());
            root.console().out().println(JsonResults.JSON.writeValueAsString(json));
            return 0;
        }
    }

    private static int[] ids(String list) {
        try {
            return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new CliException("--input-ids expects comma-separated integers, found \"" + list + "\"");
        }
    }

    private AlbertInput encode(LoadedModel loaded) {
        Encoding e = loaded.tokenizer().encode(text, pair, encoding.encodeOptions(true));
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

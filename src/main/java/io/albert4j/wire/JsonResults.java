package io.albert4j.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.albert4j.AlbertException;
import io.albert4j.pipeline.Answer;
import io.albert4j.pipeline.ChoiceScore;
import io.albert4j.pipeline.Entity;
import io.albert4j.pipeline.FillMaskCandidate;
import io.albert4j.pipeline.LabelScore;
import io.albert4j.pipeline.Pooling;
import io.albert4j.pipeline.ZeroShotResult;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.util.List;

/**
 * The one place where pipeline results become JSON, in Hugging Face's pipeline output shapes
 * (field names, nesting, offsets in code points); shared by the CLI, the HTTP server and Java
 * callers who want Hugging Face-shaped JSON. One method per result type writes one input's result.
 *
 * <p>Stateless and thread-safe.
 */
public final class JsonResults {
    /**
     * The shared, thread-safe mapper. It refuses to write NaN or Infinity (JSON has no such numbers, and
     * Jackson would write them as the strings {@code "NaN"} and {@code "Infinity"}): writing one throws a
     * {@link NonFiniteNumberException} (wrapped in Jackson's {@code JsonMappingException} when writing a
     * tree; {@link #nonFinite(Throwable)} finds it), so the CLI and the server fail with a clear error
     * instead of printing a number that is not one.
     */
    public static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .addDecorator((factory, generator) -> new FiniteNumbersOnly(generator)).build());

    /** A model output that is NaN or infinite, found while writing JSON: the weights are broken. */
    public static final class NonFiniteNumberException extends AlbertException {
        NonFiniteNumberException(double value, String path) {
            super("the model produced " + value + " at " + (path.isEmpty() ? "the top level" : path)
                    + " of the result; JSON has no such number, so nothing was written. The checkpoint's weights are "
                    + "probably corrupt (or overflow their dtype); check them with a reference implementation");
        }
    }

    /** The {@link NonFiniteNumberException} in a throwable's cause chain, or null. */
    public static NonFiniteNumberException nonFinite(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NonFiniteNumberException e) {
                return e;
            }
        }
        return null;
    }

    private static final class FiniteNumbersOnly extends JsonGeneratorDelegate {
        FiniteNumbersOnly(JsonGenerator delegate) {
            super(delegate, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            requireFinite(v);
            super.writeNumber(v);
        }

        @Override
        public void writeNumber(float v) throws IOException {
            requireFinite(v);
            super.writeNumber(v);
        }

        private void requireFinite(double v) {
            if (!Double.isFinite(v)) {
                throw new NonFiniteNumberException(v, getOutputContext().pathAsPointer().toString());
            }
        }
    }

    private JsonResults() {
    }

    /** One candidate list for a single mask, a list of lists for several (as Hugging Face). */
    public static JsonNode fillMask(List<List<FillMaskCandidate>> perMask) {
        ArrayNode masks = JSON.createArrayNode();
        for (List<FillMaskCandidate> candidates : perMask) {
            ArrayNode list = masks.addArray();
            for (FillMaskCandidate c : candidates) {
                list.addObject().put("score", c.score()).put("token", c.token()).put("token_str", c.tokenStr())
                        .put("sequence", c.sequence());
            }
        }
        return perMask.size() == 1 ? masks.get(0) : masks;
    }

    /** {@code [{"label", "score"}, ...]}, as text classification (and sentence order) returns them. */
    public static ArrayNode labels(List<LabelScore> scores) {
        ArrayNode out = JSON.createArrayNode();
        scores.forEach(s -> out.addObject().put("label", s.label()).put("score", s.score()));
        return out;
    }

    /**
     * A single answer as an object, several as a list (as Hugging Face), with {@code start}/{@code end}
     * as Python counts them: code points of {@code context}.
     */
    public static JsonNode answers(String context, List<Answer> answers) {
        ArrayNode out = JSON.createArrayNode();
        answers.forEach(a -> out.addObject().put("score", a.score()).put("start", codePoints(context, a.start()))
                .put("end", codePoints(context, a.end())).put("answer", a.answer()));
        return out.size() == 1 ? out.get(0) : out;
    }

    /** Entities in Hugging Face's shape, {@code start}/{@code end} in code points of {@code text}. */
    public static ArrayNode entities(String text, List<Entity> entities) {
        ArrayNode out = JSON.createArrayNode();
        for (Entity e : entities) {
            ObjectNode o = out.addObject();
            o.put(e.grouped() ? "entity_group" : "entity", e.label()).put("score", e.score());
            if (!e.grouped()) {
                o.put("index", e.index());
            }
            o.put("word", e.word()).put("start", codePoints(text, e.start())).put("end", codePoints(text, e.end()));
        }
        return out;
    }

    /** {@code {"sequence", "labels", "scores"}}, as Hugging Face's zero-shot-classification. */
    public static ObjectNode zeroShot(ZeroShotResult result) {
        ObjectNode out = JSON.createObjectNode().put("sequence", result.sequence());
        ArrayNode labels = out.putArray("labels");
        result.labels().forEach(labels::add);
        ArrayNode scores = out.putArray("scores");
        result.scores().forEach(scores::add);
        return out;
    }

    /**
     * A UTF-16 index of Java's strings as the code-point index Python's (and so Hugging Face's)
     * offsets use; the two differ after a character outside the Basic Multilingual Plane (an emoji).
     */
    public static int codePoints(String text, int utf16Index) {
        return text.codePointCount(0, Math.min(utf16Index, text.length()));
    }

    /** {@code [{"choice", "score"}, ...]}, in the order of the choices. */
    public static ArrayNode choices(List<ChoiceScore> scores) {
        ArrayNode out = JSON.createArrayNode();
        scores.forEach(s -> out.addObject().put("choice", s.choice()).put("score", s.score()));
        return out;
    }

    /**
     * A feature-extraction result: without pooling Hugging Face's {@code [1, tokens, hidden]} (the
     * text's token matrix in a list of one); with pooling the one vector.
     */
    public static ArrayNode features(float[][] result, Pooling pooling) {
        return pooling == Pooling.NONE ? JSON.createArrayNode().add(matrix(result)) : vector(result[0]);
    }

    /** A list of numbers. */
    public static ArrayNode vector(float[] values) {
        ArrayNode out = JSON.createArrayNode();
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    /** A list of rows. */
    public static ArrayNode matrix(float[][] rows) {
        ArrayNode out = JSON.createArrayNode();
        for (float[] row : rows) {
            out.add(vector(row));
        }
        return out;
    }

    /** A list of integers. */
    public static ArrayNode ints(int[] values) {
        ArrayNode out = JSON.createArrayNode();
        for (int v : values) {
            out.add(v);
        }
        return out;
    }

    /** Any ND4J array as nested lists, first dimension outermost. */
    public static JsonNode nested(INDArray array) {
        if (array.rank() == 1) {
            return vector(array.toFloatVector());
        }
        if (array.rank() == 2) {
            return matrix(array.toFloatMatrix());
        }
        ArrayNode out = JSON.createArrayNode();
        for (long i = 0; i < array.size(0); i++) {
            out.add(nested(array.slice(i)));
        }
        return out;
    }
}

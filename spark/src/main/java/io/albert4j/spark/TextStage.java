package io.albert4j.spark;

import org.apache.spark.ml.param.Param;

import java.util.List;

/**
 * A stage whose input is one text column, {@code inputCol} (default "text").
 *
 * @param <S> the concrete stage, so that setters chain
 */
public abstract class TextStage<S extends TextStage<S>> extends AlbertStage<S> {
    private static final long serialVersionUID = 1L;

    private final Param<String> inputCol;

    protected TextStage(String uid, String defaultOutputCol) {
        super(uid, defaultOutputCol);
        inputCol = new Param<>(uid, "inputCol", "input column of texts (string)");
        setDefault(inputCol, "text");
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public S setInputCol(String value) {
        return with(inputCol, value);
    }

    @Override
    protected List<String> inputCols() {
        return List.of(getInputCol());
    }
}

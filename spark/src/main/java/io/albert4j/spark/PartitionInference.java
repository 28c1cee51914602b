package io.albert4j.spark;

import io.albert4j.AlbertException;
import io.albert4j.tokenizer.TokenizerMode;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Runs a stage's task over one partition: rows are read in windows of {@code window} rows, each
 * window's rows sorted by text length and cut into batches of {@code batchSize} (little padding per
 * forward pass), and the outputs are appended to the rows in their original order. The model comes
 * from this JVM's {@link ModelCache}, loaded when the first non-null row needs it. Lazy: a window
 * is processed when Spark asks for its first row, so a partition is never held whole in memory.
 */
final class PartitionInference implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN_CHARS = 80;

    private final String stage;
    private final String model;
    private final TokenizerMode tokenizerMode;
    private final SerializableConfiguration hadoopConf; // null for a local model path
    private final int[] inputIndices;
    private final String[] inputNames;
    private final int batchSize;
    private final int window;
    private final int threads;
    private final InvalidInput invalid;
    private final BatchTask task;

    /** What to do with a row whose input the task refuses (Spark ML's {@code handleInvalid}). */
    enum InvalidInput {
        /** Fail the job with a message naming the row's input and the reason. */
        ERROR,
        /** Keep the row, with a null output. */
        KEEP,
        /** Drop the row. */
        SKIP
    }

    PartitionInference(String stage, String model, TokenizerMode tokenizerMode, SerializableConfiguration hadoopConf,
                       int[] inputIndices,
                       String[] inputNames, int batchSize, int window, int threads, InvalidInput invalid,
                       BatchTask task) {
        this.stage = stage;
        this.model = model;
        this.tokenizerMode = tokenizerMode;
        this.hadoopConf = hadoopConf;
        this.inputIndices = inputIndices;
        this.inputNames = inputNames;
        this.batchSize = batchSize;
        this.window = Math.max(window, batchSize);
        this.threads = threads;
        this.invalid = invalid;
        this.task = task;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Iterator<>() {
            private Iterator<Row> current = Collections.emptyIterator();
            private BatchTask.Runner runner;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && rows.hasNext()) {
                    current = nextWindow(rows, this::runner).iterator();
                }
                return current.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }

            /** The task on this JVM's model, opened once per partition when a row first needs it. */
            private BatchTask.Runner runner() {
                if (runner == null) {
                    runner = task.open(ModelCache.get(model, tokenizerMode, hadoopConf == null ? null : hadoopConf.value()));
                    KernelThreads.apply(KernelThreads.forTask(threads));
                }
                return runner;
            }
        };
    }

    private List<Row> nextWindow(Iterator<Row> rows, Supplier<BatchTask.Runner> runners) {
        List<Row> window = new ArrayList<>();
        while (window.size() < this.window && rows.hasNext()) {
            window.add(rows.next());
        }
        List<String[]> inputs = new ArrayList<>(window.size());
        List<Integer> runnable = new ArrayList<>();
        for (int r = 0; r < window.size(); r++) {
            String[] values = inputsOf(window.get(r));
            inputs.add(values);
            if (hasRequired(values)) {
                runnable.add(r);
            }
        }
        Object[] outputs = new Object[window.size()];
        boolean[] dropped = new boolean[window.size()];
        if (!runnable.isEmpty()) {
            BatchTask.Runner runner = runners.get();
            runnable.sort(Comparator.comparingInt(r -> length(inputs.get(r))));
            for (int from = 0; from < runnable.size(); from += batchSize) {
                List<Integer> batch = runnable.subList(from, Math.min(runnable.size(), from + batchSize));
                runBatch(runner, batch, inputs, outputs, dropped);
            }
        }
        List<Row> result = new ArrayList<>(window.size());
        for (int r = 0; r < window.size(); r++) {
            if (!dropped[r]) {
                result.add(withOutput(window.get(r), outputs[r]));
            }
        }
        return result;
    }

    /** One forward pass for the batch; if the task refuses it, row by row to find the rows at fault. */
    private void runBatch(BatchTask.Runner runner, List<Integer> batch, List<String[]> inputs, Object[] outputs,
                          boolean[] dropped) {
        List<String[]> batchInputs = batch.stream().map(inputs::get).toList();
        try {
            List<Object> results = runner.run(batchInputs);
            for (int i = 0; i < batch.size(); i++) {
                outputs[batch.get(i)] = results.get(i);
            }
            return;
        } catch (AlbertException e) {
            if (batch.size() == 1) {
                refuse(batch.get(0), inputs.get(batch.get(0)), e, dropped);
                return;
            }
        }
        for (int r : batch) {
            try {
                outputs[r] = runner.run(List.<String[]>of(inputs.get(r))).get(0);
            } catch (AlbertException e) {
                refuse(r, inputs.get(r), e, dropped);
            }
        }
    }

    private void refuse(int row, String[] input, AlbertException cause, boolean[] dropped) {
        switch (invalid) {
            case ERROR -> throw new AlbertException(stage + ": cannot process the row with " + describe(input) + ": "
                    + cause.getMessage() + " (set handleInvalid to \"keep\" for a null output or \"skip\" to drop such rows)",
                    cause);
            case SKIP -> dropped[row] = true;
            case KEEP -> {
                // the output stays null
            }
        }
    }

    private String[] inputsOf(Row row) {
        String[] values = new String[inputIndices.length];
        for (int i = 0; i < inputIndices.length; i++) {
            values[i] = row.isNullAt(inputIndices[i]) ? null : row.getString(inputIndices[i]);
        }
        return values;
    }

    private boolean hasRequired(String[] values) {
        for (int i = 0; i < task.requiredInputs(); i++) {
            if (values[i] == null) {
                return false;
            }
        }
        return true;
    }

    private static int length(String[] values) {
        int length = 0;
        for (String v : values) {
            length += v == null ? 0 : v.length();
        }
        return length;
    }

    private String describe(String[] values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(inputNames[i]).append('=');
            String v = values[i];
            if (v == null) {
                s.append("null");
            } else {
                s.append('"').append(v.length() > MAX_SHOWN_CHARS ? v.substring(0, MAX_SHOWN_CHARS) + "..." : v).append('"');
            }
        }
        return s.toString();
    }

    private static Row withOutput(Row row, Object output) {
        Object[] values = new Object[row.size() + 1];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        values[row.size()] = output;
        return RowFactory.create(values);
    }
}

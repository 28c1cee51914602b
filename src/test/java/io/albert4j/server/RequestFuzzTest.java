package io.albert4j.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.albert4j.Fixtures;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import org.junit.jupiter.api.AfterAll;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz target for the server's request parsing, for every task: an arbitrary body becomes a job or a
 * 4xx {@link HttpError}, never another exception (which the server would answer 500).
 */
class RequestFuzzTest {
    private static final List<String> MODELS = List.of("albert-tiny-maskedlm", "albert-tiny-seqcls", "albert-tiny-qa",
            "albert-tiny-tokcls", "albert-tiny-multichoice");
    private static final List<AutoCloseable> OPEN = new ArrayList<>();
    private static final List<ServedTask> TASKS = tasks();

    private static List<ServedTask> tasks() {
        List<ServedTask> tasks = new ArrayList<>();
        for (String name : MODELS) {
            AlbertModel model = AlbertModel.load(Fixtures.modelDir(name));
            AlbertTokenizer tokenizer = AlbertTokenizer.load(Fixtures.modelDir(name));
            OPEN.add(model);
            OPEN.add(tokenizer);
            tasks.add(ServedTask.of(model, tokenizer, ServerOptions.defaults(Fixtures.modelDir(name))));
        }
        return tasks;
    }

    @AfterAll
    static void close() throws Exception {
        for (AutoCloseable c : OPEN) {
            c.close();
        }
    }

    @FuzzTest(maxDuration = "3h", maxExecutions = 1_000_000)
    void body(FuzzedDataProvider data) {
        ServedTask task = TASKS.get(data.consumeInt(0, TASKS.size() - 1));
        try {
            Job job = task.parse(data.consumeRemainingAsBytes());
            assertTrue(!job.inputs().isEmpty());
        } catch (HttpError e) {
            assertTrue(e.status >= 400 && e.status < 500, e.status + ": " + e.getMessage());
        }
    }
}

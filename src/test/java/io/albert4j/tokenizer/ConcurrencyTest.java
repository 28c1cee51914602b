package io.albert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.albert4j.Fixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One tokenizer shared by 8 threads gives exactly what one thread gets, in both modes (the fast
 * tokenizer's shared word cache starts cold, so the threads fill it concurrently).
 */
class ConcurrencyTest {
    private static final int THREADS = 8;

    @ParameterizedTest
    @EnumSource(TokenizerMode.class)
    void eightThreadsSharingOneTokenizerMatchOneThread(TokenizerMode mode) throws Exception {
        List<String> texts = texts();
        List<Encoding> expected;
        try (AlbertTokenizer alone = AlbertTokenizer.load(Fixtures.tokenizerDir(), mode)) {
            expected = encodeAll(alone, texts);
        }
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(Fixtures.tokenizerDir(), mode)) {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<List<Encoding>>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    Callable<List<Encoding>> task = () -> {
                        start.await();
                        return encodeAll(tokenizer, texts);
                    };
                    results.add(pool.submit(task));
                }
                start.countDown();
                for (Future<List<Encoding>> result : results) {
                    assertEquals(expected, result.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<Encoding> encodeAll(AlbertTokenizer tokenizer, List<String> texts) {
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            out.add(tokenizer.encode(text, "a pair, 1,000 words", EncodeOptions.defaults()));
            tokenizer.decode(out.get(out.size() - 1).inputIds(), true);
        }
        return out;
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>(GoldenCases.texts());
        texts.addAll(GoldenCases.texts());
        return texts;
    }
}

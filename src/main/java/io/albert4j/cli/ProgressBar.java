package io.albert4j.cli;

import io.albert4j.hub.DownloadListener;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for Hub downloads of 1 MiB or more, redrawn at most five times a
 * second; small files (config, tokenizer JSON) are not shown. Used by one resolving thread at a time.
 */
final class ProgressBar implements DownloadListener {
    private static final long MIN_SIZE = 1 << 20;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;
    private final PrintStream err;
    private long lastDraw;

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public void onProgress(String repoId, String file, long downloaded, long total) {
        if (total < MIN_SIZE) {
            return;
        }
        long now = System.nanoTime();
        boolean done = downloaded >= total;
        if (!done && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        int filled = (int) (WIDTH * downloaded / total);
        err.printf(Locale.ROOT, "\rdownloading %s %s [%s%s] %3d%% %.1f/%.1f MB%s", repoId, file, "#".repeat(filled),
                " ".repeat(WIDTH - filled), 100 * downloaded / total, downloaded / 1e6, total / 1e6, done ? "\n" : "");
        err.flush();
    }
}

package io.albert4j.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The streams a command reads and writes: JSON on {@code out}, logs and errors on {@code err}. */
record Console(InputStream in, PrintStream out, PrintStream err) {
    BufferedReader reader() {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }
}

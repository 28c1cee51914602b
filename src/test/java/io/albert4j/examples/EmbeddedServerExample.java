package io.albert4j.examples;

import io.albert4j.model.AlbertModel;
import io.albert4j.server.AlbertServer;
import io.albert4j.server.ServerOptions;
import io.albert4j.tokenizer.AlbertTokenizer;
import java.nio.file.Path;

/** README.md's embedded server example, verbatim (ReadmeExamplesTest keeps them equal; EmbeddedServerTest runs it). */
public final class EmbeddedServerExample {
    private EmbeddedServerExample() {
    }

    public static void run() {
        Path dir = Path.of("models/albert-demo");
        try (AlbertModel model = AlbertModel.load(dir);               // loaded, and closed, by the application
             AlbertTokenizer tokenizer = AlbertTokenizer.load(dir);
             AlbertServer server = AlbertServer.start(model, tokenizer, ServerOptions.defaults().withPort(0))) {
            System.out.println(server.task() + " on " + server.uri());  // fill-mask on http://127.0.0.1:PORT/
            // ... serve while the application runs: it may use model and tokenizer from its own threads.
            // Leaving the block stops the server first (it drains the requests in flight and does not
            // close what it did not load), then closes the tokenizer and the model.
        }
    }
}

package example;

import io.albert4j.hub.HubModelResolver;
import io.albert4j.hub.HubOptions;
import io.albert4j.model.AlbertModel;
import io.albert4j.tokenizer.AlbertTokenizer;
import java.nio.file.Path;

/**
 * README.md's "Load by Hugging Face Hub id", verbatim (ReadmeExamplesTest keeps them equal). It
 * downloads from the Hub, so ConsumerExample runs it only with {@code --hub}; .ci/run has no network.
 */
final class HubExamples {
    private HubExamples() {
    }

    static Path run() {
        try (AlbertModel model = AlbertModel.fromPretrained("textattack/albert-base-v2-imdb");
             AlbertTokenizer tokenizer = AlbertTokenizer.fromPretrained("textattack/albert-base-v2-imdb")) {
            System.out.println(model.architecture());
        }
        try (AlbertModel model = AlbertModel.fromPretrained("albert-base-v2@main")) {  // a branch, tag or commit hash
            System.out.println(model.config().hiddenSize());
        }
        Path dir = new HubModelResolver(HubOptions.fromEnvironment()        // the directory, for ServerOptions etc.
                .withRevision("main")
                .withOffline(false)
                .withToken(System.getenv("MY_HF_TOKEN"))
                .withListener((repo, file, done, total) -> System.err.printf("%s %d/%d%n", file, done, total)))
                .resolve("albert-base-v2");
        return dir;
    }
}

package example;

import io.albert4j.model.*;
import io.albert4j.tokenizer.*;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

/** README.md's "Quickstart: load, forward, close", verbatim (ReadmeExamplesTest keeps them equal). */
final class Quickstart {
    private Quickstart() {
    }

    static void run() {
        Path dir = Path.of("models/albert-demo");                   // any Hugging Face checkpoint directory
        try (AlbertModel model = AlbertModel.load(dir);             // head chosen from config.json "architectures"
             AlbertTokenizer tokenizer = AlbertTokenizer.load(dir)) {
            Encoding e = tokenizer.encode("Hello, my dog is cute");  // [CLS] hello , my dog is cute [SEP]
            AlbertOutput out = model.forward(AlbertInput.of(
                    new int[][] {e.inputIds()}, new int[][] {e.tokenTypeIds()}, new int[][] {e.attentionMask()}));
            INDArray hidden = out.lastHiddenState();                 // as Hugging Face's last_hidden_state
            System.out.println(java.util.Arrays.toString(hidden.shape()));  // [1, 8, 768] for albert-base-v2
        }
    }
}

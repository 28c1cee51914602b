import io.albert4j.tokenizer.AlbertTokenizer;
import io.albert4j.tokenizer.Encoding;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * albert4j's side of scripts/unicode/fast_sweep.py: every code point (surrogates excepted) in the sweep's
 * contexts through the fast tokenizer, in one JVM, one line per text in the sweep's order:
 * {@code id id ...|start-end start-end ...} (offsets in code points, as Hugging Face's).
 *
 * <pre>java -cp target/albert.jar scripts/unicode/FastSweep.java MODEL_DIR PREFIX,SUFFIX ... &gt; OUT</pre>
 */
public final class FastSweep {
    public static void main(String[] args) throws Exception {
        try (AlbertTokenizer tokenizer = AlbertTokenizer.load(Path.of(args[0]));
             BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)) {
            StringBuilder line = new StringBuilder();
            for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
                if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                    continue;
                }
                for (int c = 1; c < args.length; c++) {
                    String[] context = args[c].split(",", -1);
                    String text = context[0] + Character.toString(cp) + context[1];
                    line.setLength(0);
                    try {
                        append(line, text, tokenizer.encode(text));
                    } catch (RuntimeException e) {
                        line.append("error: ").append(e.getMessage().replace('\n', ' '));
                    }
                    out.append(line).append('\n');
                }
            }
        }
    }

    private static void append(StringBuilder line, String text, Encoding e) {
        for (int i = 0; i < e.length(); i++) {
            line.append(i == 0 ? "" : " ").append(e.inputIds()[i]);
        }
        line.append('|');
        for (int i = 0; i < e.length(); i++) {
            line.append(i == 0 ? "" : " ").append(text.codePointCount(0, e.starts()[i]))
                    .append('-').append(text.codePointCount(0, e.ends()[i]));
        }
    }
}

package io.albert4j.tokenizer;

import io.albert4j.AlbertException;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * The Unicode data of the Python that runs Hugging Face's slow tokenizer, independent of the JDK:
 * Python's {@code str.lower()} of one code point and its NFKD with combining marks removed
 * ({@code unicodedata.normalize("NFKD", c)} without the code points {@code unicodedata.combining}
 * flags), as {@code AlbertTokenizer.preprocess_text} computes them. The JDK 17's tables are Unicode
 * 13; Python 3.11's are Unicode 14, which added combining marks and modifier letters that the two
 * would otherwise normalize differently (issue 18).
 *
 * <p>The table is {@code python-unicode.bin}, written by {@code scripts/unicode/python_unicode_table.py}
 * from Python 3.11's {@code unicodedata}; it lists only the code points that change. Immutable and
 * thread-safe; loaded once, on first use.
 */
final class PythonUnicode {
    static final String RESOURCE = "python-unicode.bin";
    private static final int MAX_ENTRIES = 0x110000;

    private final String version;
    private final int[] codePoints; // sorted
    private final String[] lower;
    private final String[] nfkdWithoutMarks;

    private PythonUnicode(String version, int[] codePoints, String[] lower, String[] nfkdWithoutMarks) {
        this.version = version;
        this.codePoints = codePoints;
        this.lower = lower;
        this.nfkdWithoutMarks = nfkdWithoutMarks;
    }

    private static final class Holder {
        static final PythonUnicode INSTANCE = load();
    }

    static PythonUnicode get() {
        return Holder.INSTANCE;
    }

    /** Where the table comes from, e.g. "Python 3.11.7, Unicode 14.0.0". */
    String version() {
        return version;
    }

    /** Python's {@code chr(cp).lower()}. */
    String lower(int cp) {
        int i = Arrays.binarySearch(codePoints, cp);
        return i >= 0 ? lower[i] : new String(Character.toChars(cp));
    }

    /** NFKD of {@code cp} without combining marks (possibly empty). */
    String nfkdWithoutMarks(int cp) {
        int i = Arrays.binarySearch(codePoints, cp);
        return i >= 0 ? nfkdWithoutMarks[i] : new String(Character.toChars(cp));
    }

    private static PythonUnicode load() {
        try (InputStream raw = PythonUnicode.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new AlbertException("the tokenizer's Unicode table " + RESOURCE + " is missing from the classpath");
            }
            DataInputStream in = new DataInputStream(new GZIPInputStream(raw));
            byte[] magic = in.readNBytes(4);
            if (!Arrays.equals(magic, new byte[] {'P', 'Y', 'U', 'C'})) {
                throw new AlbertException(RESOURCE + " is not a Unicode table (bad magic)");
            }
            String version = in.readUTF();
            int count = in.readInt();
            if (count < 0 || count > MAX_ENTRIES) {
                throw new AlbertException(RESOURCE + ": entry count " + count + " out of range");
            }
            int[] cps = new int[count];
            String[] lower = new String[count];
            String[] nfkd = new String[count];
            for (int i = 0; i < count; i++) {
                cps[i] = in.readInt();
                if (i > 0 && cps[i] <= cps[i - 1]) {
                    throw new AlbertException(RESOURCE + ": code points not sorted at entry " + i);
                }
                lower[i] = in.readUTF();
                nfkd[i] = in.readUTF();
            }
            return new PythonUnicode(version, cps, lower, nfkd);
        } catch (IOException e) {
            throw new AlbertException("cannot read the tokenizer's Unicode table " + RESOURCE + ": " + e.getMessage(), e);
        }
    }
}

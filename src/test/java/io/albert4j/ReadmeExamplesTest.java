package io.albert4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every Java snippet in README.md is code that compiles and runs: each {@code ```java} block is a
 * source file of the consumer example (examples/consumer, which .ci/run builds against the installed
 * artifact and runs), of these tests or of the Spark project's tests, with exactly the block's imports and its other lines in the
 * same order; each call in the task table's Java column appears in such a file.
 */
class ReadmeExamplesTest {
    private static final Path README = Path.of("README.md");
    private static final List<Path> SOURCE_ROOTS = List.of(Path.of("examples/consumer/src/main/java"), Path.of("src/test/java"),
            Path.of("spark/src/test/java"));
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern TABLE_HEADER = Pattern.compile("^\\|\\s*task\\s*\\|\\s*Java\\s*\\|.*$", Pattern.MULTILINE);

    @Test
    void everyJavaBlockIsACompiledSourceFileWithTheSameImports() throws IOException {
        Map<Path, List<String>> sources = sources();
        List<String> blocks = javaBlocks();
        assertFalse(blocks.isEmpty(), "README.md has ```java blocks");
        for (String block : blocks) {
            List<String> lines = significantLines(block);
            Set<String> imports = imports(lines);
            List<String> body = lines.stream().filter(l -> !l.startsWith("import ")).toList();
            boolean found = sources.entrySet().stream().anyMatch(source ->
                    imports(source.getValue()).equals(imports)
                            && Collections.indexOfSubList(source.getValue(), body) >= 0);
            if (!found) {
                fail("no source file under " + SOURCE_ROOTS + " has exactly the imports " + imports
                        + " and these lines in this order (whitespace aside):\n" + String.join("\n", body));
            }
        }
    }

    @Test
    void everyCallInTheTaskTableIsInACompiledSourceFile() throws IOException {
        String sources = sources().values().stream().flatMap(List::stream)
                .map(ReadmeExamplesTest::withoutSpaces).collect(Collectors.joining("\n"));
        List<String> calls = taskTableCalls();
        assertTrue(calls.size() >= 10, "the task table's Java column: " + calls);
        for (String call : calls) {
            assertTrue(sources.contains(withoutSpaces(call)), "README's task-table call is not in the compiled examples: " + call);
        }
    }

    private static List<String> javaBlocks() throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(README));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** The {@code `code`} of the Java column, row by row, from the table whose header is | task | Java | ... |. */
    private static List<String> taskTableCalls() throws IOException {
        String readme = Files.readString(README);
        Matcher header = TABLE_HEADER.matcher(readme);
        assertTrue(header.find(), "README.md has the task table (| task | Java | CLI |)");
        List<String> calls = new ArrayList<>();
        List<String> rows = readme.substring(header.end()).lines().skip(2).takeWhile(l -> l.startsWith("|")).toList();
        for (String row : rows) {
            String javaCell = row.split("\\|")[2];
            Matcher code = Pattern.compile("`([^`]+)`").matcher(javaCell);
            while (code.find()) {
                calls.add(code.group(1));
            }
        }
        return calls;
    }

    private static Map<Path, List<String>> sources() throws IOException {
        Map<Path, List<String>> sources = new LinkedHashMap<>();
        for (Path root : SOURCE_ROOTS) {
            assertTrue(Files.isDirectory(root), "source root missing: " + root);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    sources.put(file, significantLines(Files.readString(file)));
                }
            }
        }
        return sources;
    }

    /** Trimmed, non-blank lines. */
    private static List<String> significantLines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private static Set<String> imports(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("import ")).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String withoutSpaces(String s) {
        return s.replaceAll("\\s+", "");
    }
}

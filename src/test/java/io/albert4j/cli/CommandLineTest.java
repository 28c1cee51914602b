package io.albert4j.cli;

import io.albert4j.Albert4j;
import io.albert4j.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line itself: every command, as picocli lists them (so that a new command cannot
 * escape), answers {@code --help} and {@code -h} with a usage that names each option it accepts, and
 * {@code --version} with the version; options take {@code --opt=value}; completion scripts generate.
 */
class CommandLineTest {
    /** Every command's name as picocli knows it, the top level as "". */
    static Stream<String> commands() {
        List<String> names = new ArrayList<>();
        names.add("");
        names.addAll(tree().getSubcommands().keySet());
        assertTrue(names.size() > 15, "commands: " + names);
        return names.stream();
    }

    private static CommandLine tree() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        return Main.commandLine(new Console(new ByteArrayInputStream(new byte[0]), nowhere, nowhere));
    }

    private static String[] args(String command, String... rest) {
        List<String> out = new ArrayList<>();
        if (!command.isEmpty()) {
            out.add(command);
        }
        out.addAll(List.of(rest));
        return out.toArray(String[]::new);
    }

    @ParameterizedTest(name = "albert {0} --help")
    @MethodSource("commands")
    void helpPrintsAUsageThatNamesEveryOption(String command) {
        for (String help : List.of("--help", "-h")) {
            CliTest.Run r = CliTest.run(args(command, help));
            assertEquals(0, r.exitCode(), r.err());
            assertEquals("", r.err());
            String qualified = ("albert " + command).strip();
            assertTrue(r.out().startsWith("Usage: " + qualified), r.out());
            CommandLine cl = command.isEmpty() ? tree() : tree().getSubcommands().get(command);
            for (OptionSpec option : cl.getCommandSpec().options()) {
                if (!option.hidden()) {
                    assertTrue(r.out().contains(option.longestName()), qualified + " --help names " + option.longestName());
                }
            }
        }
    }

    @ParameterizedTest(name = "albert {0} --version")
    @MethodSource("commands")
    void versionPrintsTheVersion(String command) {
        CliTest.Run r = CliTest.run(args(command, "--version"));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("albert4j " + Albert4j.version(), r.out().strip());
        assertEquals("", r.err());
    }

    @Test
    void theUsageListsEveryCommandAndAnEmptyCommandLineIsAUsageError() {
        CliTest.Run help = CliTest.run("--help");
        CliTest.Run none = CliTest.run();
        assertEquals(2, none.exitCode());
        assertEquals("", none.out());
        assertEquals(help.out(), none.err(), "no command: the usage, on stderr");
        commands().filter(c -> !c.isEmpty()).forEach(c -> assertTrue(help.out().contains("  " + c + " "), c));
    }

    @Test
    void benchUsageShowsEveryOptionItAccepts() {
        assertTrue(CliTest.run("bench", "--help").out().contains("--seed=N"));
    }

    @Test
    void fillMaskDashHIsHelpNotText() {
        CliTest.Run r = CliTest.run("fill-mask", "-h");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Usage: albert fill-mask"), r.out());
        assertFalse(r.out().contains("\"score\""), r.out());
    }

    @Test
    void optionsTakeTheirValueAfterAnEqualsSign() {
        String dir = Fixtures.modelDir("albert-tiny-maskedlm").toString();
        String text = "Paris is the [MASK] of France.";
        CliTest.Run equals = CliTest.run("fill-mask", "--model=" + dir, "--top-k=2", text);
        CliTest.Run spaced = CliTest.run("fill-mask", "--model", dir, "--top-k", "2", text);
        assertEquals(0, equals.exitCode(), equals.err());
        assertEquals(2, equals.json().size());
        assertEquals(spaced.out(), equals.out());
    }

    @Test
    void aBadOptionValueNamesTheOptionAndTheValue() {
        CliTest.Run r = CliTest.run("fill-mask", "--top-k=two", "a [MASK]");
        assertEquals(2, r.exitCode());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--top-k") && r.err().contains("\"two\""), r.err());
    }

    /** The options are the options record's: its bounds and messages hold, before any model loads. */
    @Test
    void optionsAreCheckedByTheTasksOptionsRecord() {
        CliTest.Run zero = CliTest.run("fill-mask", "--model", "/no/such/model", "--top-k", "0", "a [MASK]");
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().contains("top_k must be at least 1, found 0"), zero.err());
        CliTest.Run tooMany = CliTest.run("fill-mask", "--model", "/no/such/model", "--top-k=1001", "a [MASK]");
        assertTrue(tooMany.err().contains("top_k must be at most 1000, found 1001"), tooMany.err());
        CliTest.Run template = CliTest.run("zero-shot-classification", "--model", "/no/such/model",
                "--candidate-labels", "a,b", "--hypothesis-template", "no slot", "x");
        assertTrue(template.err().contains("hypothesis_template must hold {}"), template.err());
        CliTest.Run function = CliTest.run("classify", "--model", "/no/such/model", "--function", "tanh", "x");
        assertTrue(function.err().startsWith("albert classify: --function: function_to_apply must be softmax, "
                + "sigmoid or none, found \"tanh\""), function.err());
    }

    @Test
    void anUnknownOptionSuggestsTheUsage() {
        CliTest.Run r = CliTest.run("embed", "--pool", "mean", "x");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("albert embed: unknown option --pool"), r.err());
        assertTrue(r.err().contains("albert embed --help"), r.err());
    }

    @Test
    void generatesABashCompletionScriptForEveryCommandAndOption() {
        CliTest.Run r = CliTest.run("generate-completion");
        assertEquals(0, r.exitCode(), r.err());
        String script = r.out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.substring(0, Math.min(200, script.length())));
        assertTrue(script.contains("complete -F _complete_albert"), "registers the completion function");
        tree().getSubcommands().forEach((name, cl) -> {
            assertTrue(script.contains(name), name);
            cl.getCommandSpec().options().forEach(o -> assertTrue(script.contains(o.longestName()),
                    name + " " + o.longestName()));
        });
        assertTrue(script.contains("(\"fast\" \"slow\")"), "--tokenizer's values are offered");
    }

    /** The script run by bash: it completes command names, option names and option values. */
    @Test
    void theCompletionScriptCompletesInBash(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path script = tmp.resolve("albert.bash");
        Files.writeString(script, CliTest.run("generate-completion").out());
        assertEquals(List.of("fill-mask"), complete(script, "albert fi"));
        assertEquals(List.of("--tokenizer", "--top-k"), complete(script, "albert fill-mask --to"));
        assertEquals(List.of("fast", "slow"), complete(script, "albert classify --tokenizer "));
        assertEquals(List.of("cls", "mean", "none", "pooler"), complete(script, "albert embed --pooling "));
    }

    /** What bash's completion offers for a command line typed up to its end, sorted. */
    private static List<String> complete(Path script, String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String bash = "source " + script + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=("
                + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _complete_albert 2>/dev/null; "
                + "printf '%s\\n' \"${COMPREPLY[@]}\" | sort";
        Process p = new ProcessBuilder("bash", "-c", bash).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void theHelpCommandPrintsACommandsUsage() {
        CliTest.Run r = CliTest.run("help", "classify");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(CliTest.run("classify", "--help").out(), r.out());
    }
}

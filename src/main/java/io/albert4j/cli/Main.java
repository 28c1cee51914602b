package io.albert4j.cli;

import io.albert4j.AlbertException;
import io.albert4j.Albert4j;
import io.albert4j.wire.JsonResults;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar albert.jar COMMAND [options]}: ALBERT tasks on the command line. Each command
 * prints one JSON document on stdout (or one line per input line with {@code --input}); logs go to
 * stderr. Errors in the input or the model exit with code 2 and one line on stderr.
 *
 * <p>Thread-safe: {@link #run} keeps no state between calls; in-process callers pass their own streams.
 */
public final class Main {
    private static final List<Command> COMMANDS = List.of(
            new TaskCommands.FillMask(), new TaskCommands.Classify(), new TaskCommands.ZeroShot(),
            new TaskCommands.QuestionAnswering(),
            new TaskCommands.Ner(), new TaskCommands.Embed(), new TaskCommands.SentenceOrder(),
            new TaskCommands.Choose(), new TokenizeCommand(), new ForwardCommand(), new EvaluateCommand(),
            new ServeCommand(), new BenchCommand(), new TokenizerBenchCommand());

    private Main() {
    }

    public static void main(String[] args) {
        configureLogging();
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command in-process and returns its exit code (0 ok, 1 internal failure, 2 bad input). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Map<String, Command> byName = new LinkedHashMap<>();
        COMMANDS.forEach(c -> byName.put(c.name(), c));
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            printUsage(byName, args.length == 0 ? err : out);
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version") || args[0].equals("version")) {
            out.println("albert4j " + Albert4j.version());
            return 0;
        }
        Command command = byName.get(args[0]);
        if (command == null) {
            err.println("albert: unknown command \"" + args[0] + "\"; commands: " + byName.keySet());
            return 2;
        }
        try {
            CliArgs parsed = new CliArgs(command.name(), Arrays.asList(args).subList(1, args.length),
                    command.valueOptions(), command.flags());
            return command.run(parsed, new Console(in, out, err));
        } catch (CliException | AlbertException e) {
            err.println("albert " + command.name() + ": " + e.getMessage());
            return 2;
        } catch (IOException e) {
            AlbertException cause = JsonResults.nonFinite(e);
            err.println("albert " + command.name() + ": " + (cause != null ? cause.getMessage()
                    : "input/output error: " + AlbertException.quote(String.valueOf(e.getMessage()))));
            return 2;
        } catch (OutOfMemoryError e) {
            err.println("albert " + command.name() + ": out of memory (" + e.getMessage() + "); give the JVM more "
                    + "(java -Xmx...) or send smaller inputs");
            return 1;
        } catch (Exception | Error e) {
            err.println("albert " + command.name() + ": internal error (a bug; please report it): " + e);
            return 1;
        }
    }

    private static void printUsage(Map<String, Command> commands, PrintStream to) {
        to.println("usage: java -jar albert.jar COMMAND [options]   (or --version)");
        commands.values().forEach(c -> to.println("  " + c.name() + " " + c.usage()));
        to.println("Without --model, the default model " + LoadedModel.DEFAULT_MODEL + " that albert.jar carries is used.");
        to.println("--model takes a checkpoint directory or a Hugging Face Hub id (org/name[@revision]), downloaded"
                + " through Hugging Face's cache (HF_HUB_CACHE, HF_TOKEN, HF_ENDPOINT, HF_HUB_OFFLINE=1).");
        to.println("Commands that load a model take --tokenizer fast|slow: fast (the default) is Hugging Face's"
                + " tokenizers-backed tokenizer, slow the transformers-4 SentencePiece one.");
    }

    /** slf4j-simple on stderr at WARN, with ND4J's start-up banner and DJL's GPU probe silenced. */
    private static void configureLogging() {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.nd4j", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.org.bytedeco", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl", "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

package io.albert4j.cli;

import io.albert4j.AlbertException;
import io.albert4j.wire.JsonResults;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code java -jar albert.jar COMMAND [options]}: ALBERT tasks on the command line. Each command
 * prints one JSON document on stdout (or one line per input line with {@code --input}); logs go to
 * stderr. Exit codes: 0 done, 2 bad input or usage (one line on stderr), 1 an internal failure.
 *
 * <p>The commands are declared with picocli annotations ({@link AlbertCommand} and the classes it
 * lists); this class wires the streams and turns exceptions into one-line messages and exit codes.
 *
 * <p>Thread-safe: {@link #run} builds its command objects per call; in-process callers pass their own streams.
 */
public final class Main {
    /** Exit code for bad input, bad options or a model that cannot serve the command. */
    static final int BAD_INPUT = 2;
    /** Exit code for a failure that is not the input's fault. */
    static final int INTERNAL = 1;

    private Main() {
    }

    public static void main(String[] args) {
        configureLogging();
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Runs one command in-process and returns its exit code (0 ok, 1 internal failure, 2 bad input). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine commandLine = commandLine(new Console(in, out, err), args);
        try {
            return commandLine.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("albert: out of memory (" + e.getMessage() + "); give the JVM more (java -Xmx...) or send "
                    + "smaller inputs");
            return INTERNAL;
        } catch (Error e) {
            err.println("albert: internal error (a bug; please report it): " + e);
            return INTERNAL;
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
            out.flush();
            err.flush();
        }
    }

    /** The whole command tree on these streams, with the error handlers that keep each error to one line. */
    static CommandLine commandLine(Console console) {
        return commandLine(console, new String[0]);
    }

    /**
     * The command tree for {@code args}: the top level and, when {@code args} starts with a command's
     * name, that command alone (building a command costs picocli's reflection, and a cold start pays it).
     */
    static CommandLine commandLine(Console console, String[] args) {
        CommandLine commandLine = new CommandLine(new AlbertCommand(console));
        List<Class<?>> commands = commandsFor(args);
        commands.forEach(commandLine::addSubcommand);
        if (commands == AlbertCommand.COMMANDS) {
            commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        }
        // After the subcommands are added: picocli's setters reach the commands present when called.
        return commandLine
                .setOut(writer(console.out()))
                .setErr(writer(console.err()))
                // The last of a repeated option wins, as --top-k 3 --top-k 5 always did.
                .setOverwrittenOptionsAllowed(true)
                .registerConverter(Integer.class, Main::integer)
                .registerConverter(int.class, Main::integer)
                .setParameterExceptionHandler(Main::usageError)
                .setExecutionExceptionHandler((e, cl, parsed) -> failure(e, cl));
    }

    /**
     * The commands {@code args} needs: none for {@code --version}, the one named, or all of them (for
     * the usage, help, completion, and the error that lists them).
     */
    private static List<Class<?>> commandsFor(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return List.of();
        }
        Class<?> named = args.length == 0 ? null : commandNamed(args[0]);
        return named == null || AlbertCommand.NEED_ALL.contains(named) ? AlbertCommand.COMMANDS : List.of(named);
    }

    /** The command class whose {@code @Command} name is {@code name}, or null. */
    private static Class<?> commandNamed(String name) {
        for (Class<?> command : AlbertCommand.COMMANDS) {
            if (command.getAnnotation(CommandLine.Command.class).name().equals(name)) {
                return command;
            }
        }
        return null;
    }

    /** An integer option's value, refused in the words of every other CLI error. */
    private static Integer integer(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("expects an integer, found \"" + value + "\"");
        }
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    /** A command line that does not parse: one line naming what is wrong and where to find the usage. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String message = e instanceof UnmatchedArgumentException unmatched ? unmatched(unmatched) : e.getMessage();
        cl.getErr().println(prefix(cl) + message + " (usage: " + qualifiedName(cl) + " --help)");
        return BAD_INPUT;
    }

    /** "unknown option --colour", "unexpected argument "extra"" or "unknown command "translate"". */
    private static String unmatched(UnmatchedArgumentException e) {
        String first = e.getUnmatched().get(0);
        CommandLine cl = e.getCommandLine();
        List<String> suggestions = e.getSuggestions();
        String hint = suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?";
        if (first.startsWith("-") && first.length() > 1) {
            return "unknown option " + first.split("=", 2)[0] + hint;
        }
        if (!cl.getSubcommands().isEmpty() && cl.getParent() == null) {
            return "unknown command \"" + first + "\"; commands: " + String.join(", ", visibleCommands(cl));
        }
        return "unexpected argument \"" + first + "\"" + (cl.getCommandSpec().positionalParameters().isEmpty()
                ? "" : " (quote a text that holds spaces)");
    }

    private static List<String> visibleCommands(CommandLine cl) {
        return cl.getSubcommands().entrySet().stream()
                .filter(c -> !c.getValue().getCommandSpec().usageMessage().hidden())
                .map(java.util.Map.Entry::getKey).toList();
    }

    /** An exception from a command's run: bad input (2) or a bug (1), one line on stderr. */
    private static int failure(Exception e, CommandLine cl) {
        PrintWriter err = cl.getErr();
        if (e instanceof CliException || e instanceof AlbertException) {
            err.println(prefix(cl) + e.getMessage());
            return BAD_INPUT;
        }
        if (e instanceof IOException) {
            AlbertException cause = JsonResults.nonFinite(e);
            err.println(prefix(cl) + (cause != null ? cause.getMessage()
                    : "input/output error: " + AlbertException.quote(String.valueOf(e.getMessage()))));
            return BAD_INPUT;
        }
        err.println(prefix(cl) + "internal error (a bug; please report it): " + e);
        return INTERNAL;
    }

    private static String prefix(CommandLine cl) {
        return qualifiedName(cl) + ": ";
    }

    /** "albert fill-mask" for a subcommand, "albert" for the top level. */
    private static String qualifiedName(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName();
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

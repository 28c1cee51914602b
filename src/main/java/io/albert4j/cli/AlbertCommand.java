package io.albert4j.cli;

import io.albert4j.Albert4j;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The top of the command tree: {@code albert COMMAND [options]}. Every command below it inherits
 * {@code -h/--help} and {@code -V/--version} ({@code scope = INHERIT}); usage text and completion
 * scripts are generated from the annotations, so they list exactly the options each command accepts.
 */
@Command(name = "albert", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = AlbertCommand.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        footer = {
                "",
                "Without --model, commands use the demo model " + LoadedModel.DEFAULT_MODEL + " that albert.jar "
                        + "carries. --model takes a checkpoint directory or a Hugging Face Hub id "
                        + "(org/name[@revision]), downloaded through Hugging Face's cache (HF_HUB_CACHE, HF_TOKEN, "
                        + "HF_ENDPOINT, HF_HUB_OFFLINE=1).",
                "Exit codes: 0 done; 2 bad input, bad options or a model that cannot do the task (one line on "
                        + "stderr); 1 an internal error.",
                "Shell completion: source <(java -jar albert.jar generate-completion), with albert an alias of "
                        + "java -jar albert.jar."},
        description = {
                "ALBERT inference: Hugging Face pipelines on the command line (java -jar albert.jar COMMAND).",
                "Each command prints one JSON document on stdout (with --input, one JSON line per input line); "
                        + "logs go to stderr."})
final class AlbertCommand implements Callable<Integer> {
    /**
     * The commands, in the order the usage lists them. They are not in {@code @Command(subcommands)}:
     * picocli reflects over every class listed there whenever a command line is built, while a run
     * needs one; {@link Main} adds the one named (or all of them for help, completion and errors),
     * which keeps ~150 ms of CPU time out of each cold start.
     */
    static final List<Class<?>> COMMANDS = List.of(
            TaskCommands.FillMask.class, TaskCommands.Classify.class, TaskCommands.ZeroShot.class,
            TaskCommands.QuestionAnswering.class, TaskCommands.Ner.class, TaskCommands.Embed.class,
            TaskCommands.SentenceOrder.class, TaskCommands.Choose.class, TokenizeCommand.class,
            ForwardCommand.class, EvaluateCommand.class, ServeCommand.class, BenchCommand.class,
            TokenizerBenchCommand.class, VersionCommand.class, Help.class, AutoComplete.GenerateCompletion.class);

    /** The commands that need every other command in the tree: they list or describe them all. */
    static final Set<Class<?>> NEED_ALL = Set.of(Help.class, AutoComplete.GenerateCompletion.class);

    private final Console console;

    @Spec
    CommandSpec spec;

    AlbertCommand(Console console) {
        this.console = console;
    }

    /** The streams of this run, for the commands below. */
    Console console() {
        return console;
    }

    /** {@code albert} alone: the usage on stderr, exit code 2 (a command is required). */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return Main.BAD_INPUT;
    }

    /** What {@code --version} prints, for every command. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"albert4j " + Albert4j.version()};
        }
    }

    /** {@code albert version}: the same line as {@code --version}. */
    @Command(name = "version", description = "Prints the version (as --version does).")
    static final class VersionCommand implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().printVersionHelp(spec.commandLine().getOut());
        }
    }

    /**
     * {@code albert help [COMMAND]}: a command's usage (or the list of commands) on stdout. Our own
     * rather than picocli's HelpCommand so that it, too, answers {@code --version}.
     */
    @Command(name = "help", helpCommand = true, description = "Prints the usage of COMMAND, or the list of commands.")
    static final class Help implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "COMMAND", arity = "0..1", description = "the command whose usage to print")
        String command;

        @Override
        public Integer call() {
            CommandLine top = spec.parent().commandLine();
            CommandLine target = command == null ? top : top.getSubcommands().get(command);
            if (target == null) {
                throw new CliException("unknown command \"" + command + "\"; commands: "
                        + String.join(", ", top.getSubcommands().keySet()));
            }
            target.usage(spec.commandLine().getOut());
            return 0;
        }
    }
}

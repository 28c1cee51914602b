package io.albert4j.cli;

import picocli.CommandLine.Option;

/** {@code --model DIR|ID} (a picocli mixin): the checkpoint a command loads. */
final class ModelOption {
    @Option(names = "--model", paramLabel = "DIR|ID",
            description = "checkpoint directory or Hugging Face Hub id org/name[@revision] "
                    + "(default: the demo model albert.jar carries)")
    String model;
}

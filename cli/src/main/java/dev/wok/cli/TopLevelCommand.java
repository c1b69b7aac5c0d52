package dev.wok.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What {@code wok} and {@code wokd} share as top-level commands: their context, and usage when no command is given. */
abstract class TopLevelCommand implements Runnable, ContextHolder {
    private final CliContext context;

    @Spec
    CommandSpec spec;

    TopLevelCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public CliContext context() {
        return context;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}

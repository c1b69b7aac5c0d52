package dev.wok.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What {@code wok} and {@code wokd} share as top-level commands: their context, and usage when no command is given. */
abstract class TopLevelCommand implements Callable<Integer>, ContextHolder {
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

    /** No command given: the usage, once, on stderr, and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println(spec.name() + ": a command is required");
        spec.commandLine().getErr().flush();
        return ExitCodes.USAGE;
    }
}

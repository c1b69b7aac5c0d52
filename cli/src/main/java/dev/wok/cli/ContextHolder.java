package dev.wok.cli;

/** A top-level command (wok or wokd) that its subcommands read their {@link CliContext} from. */
interface ContextHolder {
    CliContext context();
}

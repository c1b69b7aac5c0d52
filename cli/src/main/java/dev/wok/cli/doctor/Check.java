package dev.wok.cli.doctor;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code wok doctor}: what was checked, how it came out, what was found, and for a failure
 * what to do about it.
 *
 * @param group the part of wok it belongs to: files, config, daemon, upstream, service
 * @param name  what was checked, a few words
 */
public record Check(String group, String name, Outcome outcome, String detail, Optional<String> fix) {
    public enum Outcome {
        PASS,
        FAIL,
        /** Not run, because an earlier check failed or it does not apply; {@code detail} says which. */
        SKIP
    }

    public Check {
        Objects.requireNonNull(group);
        Objects.requireNonNull(name);
        Objects.requireNonNull(outcome);
        Objects.requireNonNull(detail);
        Objects.requireNonNull(fix);
        if (outcome == Outcome.FAIL && fix.isEmpty()) {
            throw new IllegalArgumentException("a failed check must say what to do: " + name);
        }
    }

    static Check pass(String group, String name, String detail) {
        return new Check(group, name, Outcome.PASS, detail, Optional.empty());
    }

    static Check fail(String group, String name, String detail, String fix) {
        return new Check(group, name, Outcome.FAIL, detail, Optional.of(fix));
    }

    static Check skip(String group, String name, String why) {
        return new Check(group, name, Outcome.SKIP, why, Optional.empty());
    }

    public boolean failed() {
        return outcome == Outcome.FAIL;
    }
}

package dev.wok.bench;

/** The JVM floor: start, run nothing, exit. Launched with the CLI's own flags. */
public final class EmptyMain {
    private EmptyMain() {}

    public static void main(String[] args) {
        // Intentionally empty.
    }
}

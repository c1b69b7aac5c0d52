package dev.wok.protocol;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether this process talks to a person at a terminal (colours, console logging) or to a pipe. */
public final class Terminal {
    /**
     * Set by the launchers from the shell's own {@code [ -t 0 ] && [ -t 1 ]}, which costs nothing; asking
     * the JVM ({@link System#console()}) costs a short command ~8 ms on JDK 22+, where it looks up a
     * console provider and a logger.
     */
    public static final String PROPERTY = "wok.terminal";

    private Terminal() {}

    public static boolean interactive() {
        return interactive(System.getProperty(PROPERTY));
    }

    /** @param launcherSays the launcher's answer ({@code true}/{@code false}), or null when started without it */
    static boolean interactive(String launcherSays) {
        if ("true".equals(launcherSays)) {
            return true;
        }
        if ("false".equals(launcherSays)) {
            return false;
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // From JDK 22 System.console() is non-null even when redirected; isTerminal() tells the truth there.
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}

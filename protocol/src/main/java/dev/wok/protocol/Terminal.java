package dev.wok.protocol;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether this process talks to a person at a terminal (colours, console logging) or to a pipe. */
public final class Terminal {
    private Terminal() {}

    public static boolean interactive() {
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

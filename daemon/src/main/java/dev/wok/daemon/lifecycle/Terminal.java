package dev.wok.daemon.lifecycle;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether wokd runs in a terminal (then it also logs to the console). */
final class Terminal {
    private Terminal() {}

    static boolean interactive() {
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

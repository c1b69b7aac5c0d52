package dev.wok.cli;

/**
 * The {@code wok} command's entry point. It answers {@code wok status} (the command that runs most
 * often, from scripts and prompts) without loading the full command line when wokd answers; everything
 * else goes to {@link WokMain}. Kept apart so that the fast path does not even load picocli.
 */
public final class Wok {
    private Wok() {}

    public static void main(String[] args) {
        if (QuickStatus.handles(args) && QuickStatus.run(args, System.getenv(), System.out)) {
            System.exit(ExitCodes.OK);
        }
        WokMain.main(args);
    }
}

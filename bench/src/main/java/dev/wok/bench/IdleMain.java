package dev.wok.bench;

/** The memory floor: a JVM that loads nothing of its own and waits, started with the daemon's flags. */
public final class IdleMain {
    private IdleMain() {}

    public static void main(String[] args) throws InterruptedException {
        System.out.println("idle ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // until the benchmark stops us
    }
}

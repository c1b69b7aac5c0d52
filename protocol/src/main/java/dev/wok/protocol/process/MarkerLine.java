package dev.wok.protocol.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Waits for a started process to print the line that says it is ready (or failed), reading its stdout
 * line by line: whatever it printed before (a JVM's -Xlog output, say) is skipped and kept for the
 * error message. Used by every place that starts wokd or wok-relay and waits for it.
 */
public final class MarkerLine {
    /** The marker line, or what was printed instead. */
    public record Result(Optional<String> marker, List<String> before) {}

    private MarkerLine() {}

    /**
     * Reads {@code process}'s stdout until a line matches {@code marker}, the stream ends, or the deadline
     * (System.nanoTime) passes. The stream is left open after the marker for the caller.
     */
    public static Result await(Process process, Predicate<String> marker, long deadlineNanos) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> before = new ArrayList<>();
        CompletableFuture<Optional<String>> found = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (marker.test(line)) {
                        return Optional.of(line);
                    }
                    synchronized (before) {
                        before.add(line);
                    }
                }
            } catch (IOException e) {
                // the process closed its output: treated like the end of the stream
            }
            return Optional.empty();
        });
        Optional<String> line;
        try {
            line = found.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            line = Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            line = Optional.empty();
        } finally {
            found.cancel(true);
        }
        synchronized (before) {
            return new Result(line, List.copyOf(before));
        }
    }
}

package dev.wok.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;

/** Renders a {@code status} result for a person: a state line with its symbol, then the details. */
public final class StatusView {
    private static final String RESET = "\u001b[0m";

    private StatusView() {}

    public static String render(JsonNode status, boolean colour) {
        String state = status.path("state").asText("unknown");
        StringBuilder out = new StringBuilder();
        Look look = Look.of(state);
        out.append(colour ? look.ansi + look.symbol + RESET : look.symbol).append(' ').append(state);
        String detail = look.detail;
        if (!detail.isEmpty()) {
            out.append(" — ").append(detail);
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "  wokd %s · pid %d · up %s · %s transport%n",
                status.path("version").asText("?"), status.path("pid").asLong(),
                duration(Duration.ofMillis(status.path("uptime_ms").asLong())), status.path("transport").asText("?")));
        row(out, "clients", status.path("clients").asText());
        String rss = status.path("rss_bytes").isNumber() ? " · rss " + bytes(status.path("rss_bytes").asLong()) : "";
        row(out, "memory", "heap " + bytes(status.path("heap_used_bytes").asLong()) + " of "
                + bytes(status.path("heap_max_bytes").asLong()) + rss);
        row(out, "socket", status.path("socket").asText());
        row(out, "log", status.path("log").asText());
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "  %-8s %s%n", name, value));
    }

    static String duration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m " + (seconds % 60) + "s";
        }
        if (seconds < 86400) {
            return (seconds / 3600) + "h " + (seconds % 3600 / 60) + "m";
        }
        return (seconds / 86400) + "d " + (seconds % 86400 / 3600) + "h";
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }

    /** Symbol and colour per state (DESIGN 4.6). */
    private enum Look {
        CONNECTED("●", "\u001b[32m", ""),
        CONNECTING("◐", "\u001b[33m", ""),
        DISCONNECTED("○", "\u001b[90m", ""),
        DISABLED("○", "\u001b[90m", "no upstream configured; ops stay local"),
        FAILED("●", "\u001b[31m", "");

        final String symbol;
        final String ansi;
        final String detail;

        Look(String symbol, String ansi, String detail) {
            this.symbol = symbol;
            this.ansi = ansi;
            this.detail = detail;
        }

        static Look of(String state) {
            return switch (state) {
                case "connected" -> CONNECTED;
                case "connecting", "reconnecting", "suspended" -> CONNECTING;
                case "disabled" -> DISABLED;
                case "failed" -> FAILED;
                default -> DISCONNECTED;
            };
        }
    }
}

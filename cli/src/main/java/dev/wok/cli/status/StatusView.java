package dev.wok.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Locale;

/** Renders a {@code status} result for a person: a state line with its symbol, then the details. */
public final class StatusView {
    private static final String RESET = "\u001b[0m";

    private StatusView() {}

    public static String render(JsonNode status, boolean colour) {
        StringBuilder out = new StringBuilder();
        out.append(stateLine(status, colour)).append('\n');
        out.append(String.format(Locale.ROOT, "  wokd %s · pid %d · up %s · %s transport%n",
                status.path("version").asText("?"), status.path("pid").asLong(),
                duration(Duration.ofMillis(status.path("uptime_ms").asLong())), status.path("transport").asText("?")));
        upstreamRows(out, status);
        row(out, "clients", status.path("clients").asText());
        String rss = status.path("rss_bytes").isNumber() ? " · rss " + bytes(status.path("rss_bytes").asLong()) : "";
        row(out, "memory", "heap " + bytes(status.path("heap_used_bytes").asLong()) + " of "
                + bytes(status.path("heap_max_bytes").asLong()) + rss);
        row(out, "socket", status.path("socket").asText());
        row(out, "log", status.path("log").asText());
        return out.toString();
    }

    /** The first line: symbol, state with attempt, and what the user may want to know next. */
    public static String stateLine(JsonNode status, boolean colour) {
        String state = status.path("state").asText("unknown");
        Look look = Look.of(state);
        StringBuilder line = new StringBuilder();
        line.append(colour ? look.ansi + look.symbol + RESET : look.symbol).append(' ')
                .append(status.path("state_detail").asText(state));
        if (status.path("next_retry_in_ms").isNumber()) {
            line.append(String.format(Locale.ROOT, ", next retry in %.1f s", status.path("next_retry_in_ms").asLong() / 1000.0));
        }
        if (!look.detail.isEmpty()) {
            line.append(" — ").append(look.detail);
        }
        return line.toString();
    }

    private static void upstreamRows(StringBuilder out, JsonNode status) {
        if (status.path("upstream_url").isTextual()) {
            row(out, "upstream", status.path("upstream_url").asText());
        }
        if (status.path("connected_since").isTextual()) {
            row(out, "since", status.path("connected_since").asText());
        }
        if (status.path("last_heartbeat_at").isTextual()) {
            row(out, "heartbeat", status.path("last_heartbeat_at").asText()
                    + String.format(Locale.ROOT, " (rtt %.1f ms)", status.path("rtt_ms").asDouble()));
        }
        if (status.path("last_error").isTextual()) {
            row(out, "error", status.path("last_error").asText());
        }
    }

    private static void row(StringBuilder out, String name, String value) {
        out.append(String.format(Locale.ROOT, "  %-9s %s%n", name, value));
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
        FAILED("●", "\u001b[31m", "fix the cause below, then: wok connect");

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

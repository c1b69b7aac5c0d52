package dev.wok.cli.status;

import dev.wok.protocol.Printable;
import dev.wok.protocol.api.ConnectionState;
import dev.wok.protocol.api.ConnectionStatus;
import dev.wok.protocol.api.DaemonStatus;
import dev.wok.protocol.api.SyncStatus;
import java.time.Duration;

/**
 * Renders status for a person: a state line with its symbol, then the details. Symbols and colours per
 * state, on a terminal: ● connected (green), ◐ connecting, reconnecting, suspended (yellow), ○ disconnected,
 * disabled, closing, closed (grey), ● failed (red); ASCII stand-ins where the terminal's encoding lacks
 * them; no symbol at all when the output is not a terminal or NO_COLOR is set.
 */
public final class StatusView {
    private static final String RESET = "\u001b[0m";

    private final boolean colour;
    private final Glyphs glyphs;
    private final boolean unicode;

    public StatusView(boolean colour, Glyphs glyphs) {
        this.colour = colour;
        this.glyphs = glyphs;
        this.unicode = glyphs == Glyphs.UNICODE;
    }

    public boolean colour() {
        return colour;
    }

    public Glyphs glyphs() {
        return glyphs;
    }

    public String render(DaemonStatus status) {
        StringBuilder out = new StringBuilder();
        out.append(stateLine(status.connection())).append('\n');
        String dot = unicode ? " · " : " - ";
        out.append("  wokd ").append(status.version()).append(dot).append("pid ").append(status.pid()).append(dot)
                .append("up ").append(duration(Duration.ofMillis(status.uptimeMs()))).append(dot)
                .append(status.transport()).append(" transport\n");
        connectionRows(out, status.connection());
        SyncStatus sync = status.sync();
        // Plain conditionals rather than Optional.map: the first lambda costs a short-lived command
        // 10-30 ms of bootstrap on JDK 17, and this is the path of 'wok status'.
        String oldest = sync.oldestPendingAgeMs().isPresent()
                ? " (oldest " + duration(Duration.ofMillis(sync.oldestPendingAgeMs().getAsLong())) + ")" : "";
        row(out, "outbox", sync.pending() + " pending" + oldest + dot + "acknowledged up to " + sync.lastAckedCseq());
        String epoch = sync.epoch().isPresent() ? dot + "epoch " + shortEpoch(sync.epoch().get()) : "";
        row(out, "events", "up to seq " + sync.lastServerSeq() + epoch);
        String storeError = sync.storeError().isPresent() ? (unicode ? " — " : " - ") + "cannot be written: " + sync.storeError().get() : "";
        row(out, "store", sync.store() + storeError);
        row(out, "clients", Integer.toString(status.clients()));
        String rss = status.rssBytes().isPresent() ? dot + "rss " + bytes(status.rssBytes().getAsLong()) : "";
        row(out, "memory", "heap " + bytes(status.heapUsedBytes()) + " of " + bytes(status.heapMaxBytes()) + rss);
        row(out, "socket", status.socket());
        row(out, "log", status.log());
        return out.toString();
    }

    /** The first line: symbol, state with attempt, and what the user may want to know next. */
    public String stateLine(ConnectionStatus status) {
        Look look = Look.of(status.state());
        StringBuilder line = new StringBuilder();
        if (glyphs != Glyphs.NONE) {
            String symbol = unicode ? look.symbol : look.ascii;
            line.append(colour ? look.ansi + symbol + RESET : symbol).append(' ');
        }
        line.append(Printable.escape(status.detail()));
        if (status.nextRetryInMs().isPresent()) {
            line.append(", next retry in ").append(oneDecimal(status.nextRetryInMs().getAsLong() / 1000.0)).append(" s");
        }
        if (!look.hint.isEmpty()) {
            line.append(unicode ? " — " : " - ").append(look.hint);
        }
        return line.toString();
    }

    /** The state line, then the error that explains it, if any: what {@code connect} and {@code watch} show. */
    public String stateWithError(ConnectionStatus status) {
        return stateLine(status) + (status.lastError().isPresent() ? "\n  error     " + Printable.escape(status.lastError().get()) : "");
    }

    private static void connectionRows(StringBuilder out, ConnectionStatus status) {
        if (status.upstreamUrl().isPresent()) {
            row(out, "upstream", status.upstreamUrl().get());
        }
        if (status.connectedSince().isPresent()) {
            row(out, "since", status.connectedSince().get());
        }
        if (status.lastHeartbeatAt().isPresent()) {
            row(out, "heartbeat", status.lastHeartbeatAt().get()
                    + (status.rttMs().isPresent() ? " (rtt " + oneDecimal(status.rttMs().getAsDouble()) + " ms)" : ""));
        }
        if (status.lastError().isPresent()) {
            row(out, "error", status.lastError().get());
        }
    }

    private static String shortEpoch(String epoch) {
        return epoch.length() > 8 ? epoch.substring(0, 8) : epoch;
    }

    /** Every value shown came from wokd, and some of it from further away: printed with controls escaped. */
    private static void row(StringBuilder out, String name, String value) {
        out.append("  ").append(name).append(" ".repeat(Math.max(1, 10 - name.length()))).append(Printable.escape(value)).append('\n');
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
        return (value >= 10 ? Long.toString(Math.round(value)) : oneDecimal(value)) + " " + units[unit];
    }

    /** One decimal, rounded half up, without java.util.Formatter (costly to load in a command that starts often). */
    static String oneDecimal(double value) {
        long tenths = Math.round(value * 10);
        return (tenths < 0 ? "-" : "") + Math.abs(tenths) / 10 + "." + Math.abs(tenths) % 10;
    }

    private enum Look {
        CONNECTED("●", "*", "\u001b[32m", ""),
        TRYING("◐", "~", "\u001b[33m", ""),
        IDLE("○", "o", "\u001b[90m", ""),
        DISABLED("○", "o", "\u001b[90m", "no upstream configured; ops stay local"),
        STOPPING("○", "o", "\u001b[90m", "wokd is stopping"),
        FAILED("●", "x", "\u001b[31m", "fix the cause, then: wok connect");

        final String symbol;
        final String ascii;
        final String ansi;
        final String hint;

        Look(String symbol, String ascii, String ansi, String hint) {
            this.symbol = symbol;
            this.ascii = ascii;
            this.ansi = ansi;
            this.hint = hint;
        }

        static Look of(ConnectionState state) {
            return switch (state) {
                case CONNECTED -> CONNECTED;
                case CONNECTING, RECONNECTING, SUSPENDED -> TRYING;
                case DISABLED -> DISABLED;
                case FAILED -> FAILED;
                case CLOSING, CLOSED -> STOPPING;
                case DISCONNECTED -> IDLE;
            };
        }
    }
}

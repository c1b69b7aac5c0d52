package dev.wok.daemon.ipc;

import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.config.IpcConfig;
import dev.wok.protocol.jsonlines.JsonLines;
import java.time.Duration;

/**
 * Bounds on what one client may make the daemon hold.
 *
 * @param maxLineBytes longest JSON line, terminator excluded
 * @param maxFramePayload largest binary frame payload
 * @param firstBytesTimeout how long a new connection may stay silent before its framing is known
 * @param partialRequestTimeout how long a request may stay half-received with nothing more arriving
 * @param stalledReaderTimeout how long a client may leave its answers unread once they pile up
 * @param maxUnreadBytes answers and events that may wait for a client that does not read them
 * @param maxUnreadTotalBytes the same, for all clients that stopped reading together
 * @param maxUnfinishedRequestBytes the bytes of unfinished requests held for all clients together
 */
public record IpcLimits(int maxLineBytes, int maxFramePayload, Duration firstBytesTimeout, Duration partialRequestTimeout,
                        Duration stalledReaderTimeout, long maxUnreadBytes, long maxUnreadTotalBytes,
                        long maxUnfinishedRequestBytes) {
    public static final IpcLimits DEFAULTS = new IpcLimits(JsonLines.DEFAULT_MAX_LINE_BYTES, FrameHeader.DEFAULT_MAX_PAYLOAD,
            Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60), IpcConfig.DEFAULTS.maxUnreadBytes(),
            IpcConfig.DEFAULTS.maxUnreadTotalBytes(), IpcConfig.DEFAULTS.maxUnfinishedRequestBytes());

    /** The defaults, with other message limits and silence allowed before the framing is known. */
    public IpcLimits(int maxLineBytes, int maxFramePayload, Duration firstBytesTimeout) {
        this(maxLineBytes, maxFramePayload, firstBytesTimeout, DEFAULTS.partialRequestTimeout(),
                DEFAULTS.stalledReaderTimeout(), DEFAULTS.maxUnreadBytes(), DEFAULTS.maxUnreadTotalBytes(),
                DEFAULTS.maxUnfinishedRequestBytes());
    }

    public IpcLimits {
        if (maxLineBytes < 64 || maxFramePayload < 64) {
            throw new IllegalArgumentException("message limits below 64 bytes leave no room for a request");
        }
        for (Duration timeout : new Duration[] {firstBytesTimeout, partialRequestTimeout, stalledReaderTimeout}) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("IPC timeouts must be positive");
            }
        }
        if (maxUnreadBytes < 64 * 1024) {
            throw new IllegalArgumentException("maxUnreadBytes below 64 KiB would drop ordinary clients");
        }
        if (maxUnreadTotalBytes < maxUnreadBytes) {
            throw new IllegalArgumentException("maxUnreadTotalBytes must be at least one client's maxUnreadBytes");
        }
        if (maxUnfinishedRequestBytes < Math.max(maxLineBytes, maxFramePayload)) {
            throw new IllegalArgumentException("maxUnfinishedRequestBytes must hold at least one request of the largest size");
        }
    }

    public IpcLimits withTimeouts(Duration partialRequest, Duration stalledReader) {
        return new IpcLimits(maxLineBytes, maxFramePayload, firstBytesTimeout, partialRequest, stalledReader, maxUnreadBytes,
                maxUnreadTotalBytes, maxUnfinishedRequestBytes);
    }

    public IpcLimits withMaxUnfinishedRequestBytes(long bytes) {
        return new IpcLimits(maxLineBytes, maxFramePayload, firstBytesTimeout, partialRequestTimeout, stalledReaderTimeout,
                maxUnreadBytes, maxUnreadTotalBytes, bytes);
    }

    /** These limits with config.toml's {@code [ipc]} budgets. */
    public IpcLimits withBudgets(IpcConfig budgets) {
        return new IpcLimits(maxLineBytes, maxFramePayload, firstBytesTimeout, partialRequestTimeout, stalledReaderTimeout,
                budgets.maxUnreadBytes(), budgets.maxUnreadTotalBytes(), budgets.maxUnfinishedRequestBytes());
    }
}

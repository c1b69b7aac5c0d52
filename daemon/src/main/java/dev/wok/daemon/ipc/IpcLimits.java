package dev.wok.daemon.ipc;

import dev.wok.protocol.binary.FrameHeader;
import dev.wok.protocol.jsonlines.JsonLines;
import java.time.Duration;

/**
 * Bounds on what one client may make the daemon hold.
 *
 * @param maxLineBytes longest JSON line, terminator excluded
 * @param maxFramePayload largest binary frame payload
 * @param firstBytesTimeout how long a new connection may stay silent before its framing is known
 */
public record IpcLimits(int maxLineBytes, int maxFramePayload, Duration firstBytesTimeout) {
    public static final IpcLimits DEFAULTS =
            new IpcLimits(JsonLines.DEFAULT_MAX_LINE_BYTES, FrameHeader.DEFAULT_MAX_PAYLOAD, Duration.ofSeconds(60));

    public IpcLimits {
        if (maxLineBytes < 64 || maxFramePayload < 64) {
            throw new IllegalArgumentException("message limits below 64 bytes leave no room for a request");
        }
        if (firstBytesTimeout.isNegative() || firstBytesTimeout.isZero()) {
            throw new IllegalArgumentException("firstBytesTimeout must be positive");
        }
    }
}

package dev.wok.protocol.binary;

import java.util.Optional;

/** The kind byte of a binary frame header. */
public enum FrameKind {
    REQUEST(1),
    RESPONSE(2),
    EVENT(3),
    ERROR(4);

    private final int wire;

    FrameKind(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    public static Optional<FrameKind> fromWire(int value) {
        for (FrameKind kind : values()) {
            if (kind.wire == value) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}

package dev.wok.daemon.ipc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.message.Request;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Reads and checks a request's params, failing with messages that name the method and the member. */
public final class Params {
    private final Request request;
    private final ObjectNode params;

    Params(Request request) {
        this.request = request;
        this.params = request.params();
    }

    /** Fails when params hold members the method does not take (a typo must not pass silently). */
    public Params allowOnly(String... names) throws ProtocolException {
        Set<String> allowed = Set.of(names);
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw invalid("unknown param" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown)
                    + (names.length == 0 ? "; it takes none" : "; it takes " + String.join(", ", new TreeSet<>(Arrays.asList(names)))));
        }
        return this;
    }

    public Optional<String> optionalString(String name) throws ProtocolException {
        JsonNode value = params.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw invalid("\"" + name + "\" must be a string, got " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return Optional.of(value.asText());
    }

    /** A whole number from {@code min} to {@code max}, when present and not null. */
    public java.util.OptionalLong optionalWhole(String name, long min, long max) throws ProtocolException {
        JsonNode value = params.get(name);
        if (value == null || value.isNull()) {
            return java.util.OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            throw invalid("\"" + name + "\" must be a whole number from " + min + " to " + max + ", got " + value);
        }
        return java.util.OptionalLong.of(value.asLong());
    }

    public java.util.Optional<Boolean> optionalBoolean(String name) throws ProtocolException {
        JsonNode value = params.get(name);
        if (value == null || value.isNull()) {
            return java.util.Optional.empty();
        }
        if (!value.isBoolean()) {
            throw invalid("\"" + name + "\" must be true or false, got " + value);
        }
        return java.util.Optional.of(value.asBoolean());
    }

    public ProtocolException invalid(String detail) {
        return new ProtocolException(ErrorCode.INVALID_PARAMS, request.method() + ": " + detail, request.id());
    }
}

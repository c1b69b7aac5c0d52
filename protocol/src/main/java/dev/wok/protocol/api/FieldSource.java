package dev.wok.protocol.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The members of a flat JSON object, however it was read: a Jackson tree, or a map from the streaming
 * parser (which is how {@code wok status} reads it, to start without loading Jackson's data binding).
 */
public interface FieldSource {
    Optional<String> text(String name);

    OptionalLong whole(String name);

    OptionalDouble number(String name);

    default String text(String name, String fallback) {
        return text(name).orElse(fallback);
    }

    default long whole(String name, long fallback) {
        return whole(name).orElse(fallback);
    }

    static FieldSource of(JsonNode node) {
        return new FieldSource() {
            @Override
            public Optional<String> text(String name) {
                JsonNode v = node.path(name);
                return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
            }

            @Override
            public OptionalLong whole(String name) {
                JsonNode v = node.path(name);
                return v.isIntegralNumber() ? OptionalLong.of(v.asLong()) : OptionalLong.empty();
            }

            @Override
            public OptionalDouble number(String name) {
                JsonNode v = node.path(name);
                return v.isNumber() ? OptionalDouble.of(v.asDouble()) : OptionalDouble.empty();
            }
        };
    }

    /** @param values strings, Longs, Doubles, Booleans and nulls, as the streaming parser read them */
    static FieldSource of(Map<String, Object> values) {
        return new FieldSource() {
            @Override
            public Optional<String> text(String name) {
                return values.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
            }

            @Override
            public OptionalLong whole(String name) {
                return values.get(name) instanceof Long l ? OptionalLong.of(l) : OptionalLong.empty();
            }

            @Override
            public OptionalDouble number(String name) {
                Object v = values.get(name);
                return v instanceof Number n ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
            }
        };
    }
}

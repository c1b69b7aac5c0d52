package dev.wok.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * JSON read with Jackson's streaming parser alone: exact spans of members, and flat objects as maps.
 * Nothing here loads Jackson's data binding, so a command that only needs this starts faster.
 */
public final class JsonCore {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Json.MAX_NESTING_DEPTH)
                    .maxNumberLength(Json.MAX_NUMBER_LENGTH)
                    .build())
            .build();

    private JsonCore() {}

    public static JsonFactory factory() {
        return FACTORY;
    }

    /**
     * The exact text of the object under {@code path} (member names from the top) in the document
     * {@code doc[offset, offset + length)}; empty when a member is missing or the value is not an object.
     */
    public static Optional<String> objectAt(byte[] doc, int offset, int length, String... path) {
        try (JsonParser parser = FACTORY.createParser(doc, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            for (int depth = 0; depth < path.length; depth++) {
                if (!findMember(parser, path[depth])) {
                    return Optional.empty();
                }
            }
            long start = parser.currentTokenLocation().getByteOffset();
            parser.skipChildren();
            long end = parser.currentLocation().getByteOffset();
            return Optional.of(new String(doc, offset + (int) start, (int) (end - start), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Moves to the value of member {@code name} of the current object, which must be an object itself. */
    private static boolean findMember(JsonParser parser, String name) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals(name)) {
                return value == JsonToken.START_OBJECT;
            }
            parser.skipChildren();
        }
        return false;
    }

    /**
     * The scalar members of the object at top-level member {@code member}: strings, Longs, Doubles,
     * Booleans and nulls; nested values are skipped. Empty when there is no such object.
     */
    public static Optional<Map<String, Object>> flatObject(byte[] doc, int offset, int length, String member) {
        try (JsonParser parser = FACTORY.createParser(doc, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT || !findMember(parser, member)) {
                return Optional.empty();
            }
            Map<String, Object> values = new HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (token) {
                    case VALUE_STRING -> values.put(name, parser.getText());
                    case VALUE_NUMBER_INT -> values.put(name, parser.getLongValue());
                    case VALUE_NUMBER_FLOAT -> values.put(name, parser.getDoubleValue());
                    case VALUE_TRUE, VALUE_FALSE -> values.put(name, token == JsonToken.VALUE_TRUE);
                    case VALUE_NULL -> values.put(name, null);
                    default -> parser.skipChildren();
                }
            }
            return Optional.of(values);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

package dev.wok.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Op bodies as the exact JSON text their author wrote. A body parsed into a tree and written again
 * would lose what a double cannot hold ({@code 1e400}, {@code 1.00000000000000000000000000001}) and a
 * lone surrogate escape, so wok captures the text of every {@code body} member while reading a message
 * and carries it in the tree as a raw value, which Jackson writes back byte for byte.
 */
public final class RawJson {
    /** The member that holds an op's body, in requests ({@code params.body}), events and upstream frames. */
    public static final String BODY = "body";

    private RawJson() {}

    /** See {@link JsonCore#objectAt}. */
    public static Optional<String> objectAt(byte[] doc, int offset, int length, String... path) {
        return JsonCore.objectAt(doc, offset, length, path);
    }

    /**
     * Puts {@code body}'s exact text from the document in place of the parsed tree, when {@code holder}
     * has an object {@code body}. {@code pathToHolder} leads from the document's top to {@code holder}.
     */
    public static void keepBody(ObjectNode holder, byte[] doc, int offset, int length, String... pathToHolder) {
        if (holder == null || !holder.path(BODY).isObject()) {
            return;
        }
        String[] path = new String[pathToHolder.length + 1];
        System.arraycopy(pathToHolder, 0, path, 0, pathToHolder.length);
        path[pathToHolder.length] = BODY;
        objectAt(doc, offset, length, path).ifPresent(text -> holder.putRawValue(BODY, new RawValue(text)));
    }

    /** A body for a tree: written back exactly as {@code text}, which must be one JSON object. */
    public static RawValue value(String text) {
        return new RawValue(text);
    }

    /** The JSON text of a body member, whether it came in raw (kept) or as a tree (built in code). */
    public static Optional<String> text(JsonNode body) {
        if (body instanceof POJONode pojo && pojo.getPojo() instanceof RawValue raw) {
            return Optional.of(String.valueOf(raw.rawValue()));
        }
        if (body == null || body.isMissingNode() || body.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.treeWriter().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

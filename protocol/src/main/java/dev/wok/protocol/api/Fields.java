package dev.wok.protocol.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.OptionalLong;

/** Optional members written as JSON null, the same way in every reply shape. */
final class Fields {
    private Fields() {}

    static void put(ObjectNode out, String name, Optional<String> value) {
        if (value.isPresent()) {
            out.put(name, value.get());
        } else {
            out.putNull(name);
        }
    }

    static void put(ObjectNode out, String name, OptionalLong value) {
        if (value.isPresent()) {
            out.put(name, value.getAsLong());
        } else {
            out.putNull(name);
        }
    }
}

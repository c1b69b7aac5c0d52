package dev.wok.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.Json;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** One JSON object per line on standard output: what every command prints with {@code --json}. */
final class JsonOut {
    private JsonOut() {}

    static void print(PrintWriter out, JsonNode value) {
        try {
            out.println(Json.mapper().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }
}

package dev.wok.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson configuration every wok component reads and writes messages with. */
public final class Json {
    /** Deep enough for any real op; shallow enough that no input can exhaust a stack. */
    public static final int MAX_NESTING_DEPTH = 256;
    public static final int MAX_NUMBER_LENGTH = 100;

    /**
     * Tokens (values, names, brackets) in one request a client sends to wokd. A legal-size request of
     * nothing but tiny values ({@code [{},{},…]}) would otherwise become a tree many times its size:
     * 4 MiB of it filled a 256 MiB heap. 200,000 keeps the largest tree to a few MiB.
     */
    public static final long MAX_REQUEST_TOKENS = 200_000;

    /**
     * Tokens in one message between wokd and its upstream: one op (which came in a request, so within
     * {@link #MAX_REQUEST_TOKENS}) and its envelope. Bounds what a peer can make either end build.
     */
    public static final long MAX_UPSTREAM_TOKENS = MAX_REQUEST_TOKENS + 10_000;

    private static final ObjectMapper MAPPER = mapper(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .build());
    private static final ObjectMapper REQUEST_MAPPER = mapper(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxTokenCount(MAX_REQUEST_TOKENS)
            .build());
    private static final ObjectMapper UPSTREAM_MAPPER = mapper(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxTokenCount(MAX_UPSTREAM_TOKENS)
            .build());

    private static ObjectMapper mapper(StreamReadConstraints constraints) {
        return JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(constraints)
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                        .build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** Resolved once: writing through the mapper with a runtime type re-resolves it on every call. */
    private static final ObjectWriter TREE_WRITER = MAPPER.writerFor(JsonNode.class);

    private Json() {}

    public static ObjectWriter treeWriter() {
        return TREE_WRITER;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The mapper wokd reads clients' requests with: {@link #mapper()}'s rules and a token budget. */
    public static ObjectMapper requestMapper() {
        return REQUEST_MAPPER;
    }

    /** The mapper both ends of the upstream connection read each other's messages with. */
    public static ObjectMapper upstreamMapper() {
        return UPSTREAM_MAPPER;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}

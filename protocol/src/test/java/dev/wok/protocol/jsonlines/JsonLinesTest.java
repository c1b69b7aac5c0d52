package dev.wok.protocol.jsonlines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.wok.protocol.ErrorCode;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.message.ErrorReply;
import dev.wok.protocol.message.Request;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonLinesTest {
    private static Request decode(String line) throws ProtocolException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return JsonLines.decodeRequest(bytes, 0, bytes.length);
    }

    private static ProtocolException failure(String line) {
        try {
            decode(line);
        } catch (ProtocolException e) {
            return e;
        }
        throw new AssertionError("expected a failure for " + line);
    }

    @Test
    void the_jsonrpc_member_is_optional_and_params_default_to_empty() throws ProtocolException {
        Request request = decode("{\"id\":1,\"method\":\"status\"}");
        assertThat(request.id()).isEqualTo(IntNode.valueOf(1));
        assertThat(request.method()).isEqualTo("status");
        assertThat(request.params().isEmpty()).isTrue();
    }

    @Test
    void string_ids_and_crlf_are_accepted() throws ProtocolException {
        Request request = decode("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"ping\",\"params\":{}}\r");
        assertThat(request.id()).isEqualTo(TextNode.valueOf("a"));
    }

    @Test
    void malformed_json_is_a_parse_error_with_a_column() {
        ProtocolException e = failure("{\"method\": ping}");
        assertThat(e.code()).isEqualTo(ErrorCode.PARSE_ERROR);
        assertThat(e.getMessage()).contains("malformed JSON").contains("column");
    }

    @Test
    void deep_nesting_is_refused_by_the_parser_limits() {
        String deep = "{\"method\":\"ping\",\"params\":{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}}";
        ProtocolException e = failure(deep);
        assertThat(e.code()).isEqualTo(ErrorCode.PARSE_ERROR);
        assertThat(e.getMessage()).contains("nest");
    }

    @Test
    void trailing_garbage_is_malformed() {
        assertThat(failure("{\"method\":\"ping\"} x").code()).isEqualTo(ErrorCode.PARSE_ERROR);
    }

    @Test
    void a_missing_method_is_an_invalid_request_that_keeps_the_id() {
        ProtocolException e = failure("{\"id\":4}");
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.requestId()).isEqualTo(IntNode.valueOf(4));
    }

    @Test
    void params_must_be_an_object() {
        ProtocolException e = failure("{\"id\":4,\"method\":\"ping\",\"params\":[1]}");
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(e.getMessage()).contains("an array");
    }

    @Test
    void a_wrong_jsonrpc_version_is_refused() {
        assertThat(failure("{\"jsonrpc\":\"1.0\",\"method\":\"ping\"}").code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void a_non_object_is_an_invalid_request() {
        assertThat(failure("42").code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    void errors_encode_as_one_jsonrpc_line_with_a_stable_reason() {
        String line = JsonLines.encodeToString(ErrorReply.of(IntNode.valueOf(2), ErrorCode.METHOD_NOT_FOUND, "unknown method 'nope'"));
        assertThat(line).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32601,"
                + "\"message\":\"unknown method 'nope'\",\"data\":{\"reason\":\"method_not_found\"}}}\n");
    }
}

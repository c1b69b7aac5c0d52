package dev.wok.daemon.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wok.protocol.ProtocolException;
import dev.wok.protocol.config.ConfigException;
import dev.wok.protocol.config.ConfigLoader;
import dev.wok.protocol.upstream.UpstreamCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Coverage-guided fuzzing of wokd's other parsers: config.toml, and the messages of the upstream
 * protocol. Whatever the input, the only exception is the parser's own, which carries the message a
 * person reads; anything else (a NullPointerException, a Jackson exception leaking through) fails.
 * Replayed from committed inputs in every build; see IpcPipelineFuzzTest for how to fuzz for longer.
 */
class ParsersFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void config_toml_is_loaded_or_refused_with_a_config_error(byte[] input) throws Exception {
        Path dir = Files.createTempDirectory("wok-fuzz-config");
        Path file = dir.resolve("config.toml");
        try {
            Files.write(file, input);
            try {
                ConfigLoader.load(file, Map.of());
            } catch (ConfigException expected) {
                // refused, with a message naming the problem
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void upstream_messages_are_decoded_or_refused_with_a_protocol_error(byte[] input) {
        try {
            UpstreamCodec.decode(new String(input, StandardCharsets.UTF_8));
        } catch (ProtocolException expected) {
            // a protocol violation, with a message naming it
        }
    }
}

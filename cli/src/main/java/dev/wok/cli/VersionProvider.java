package dev.wok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.cli.daemon.DaemonConnection;
import dev.wok.protocol.WokVersion;
import dev.wok.protocol.client.WokClient;
import dev.wok.protocol.paths.WokPaths;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code --version} of wok and wokd: this client's version and protocol, then the running daemon's, if one answers. */
final class VersionProvider implements CommandLine.IVersionProvider {
    private static final Duration QUICK = Duration.ofSeconds(1);

    @Spec
    CommandSpec spec;

    @Override
    public String[] getVersion() {
        String client = spec.root().name() + " " + WokVersion.version() + " (protocol " + WokVersion.PROTOCOL + ")";
        return new String[] {client, daemon()};
    }

    private String daemon() {
        WokPaths paths = ((ContextHolder) spec.root().userObject()).context().paths();
        try (WokClient client = WokClient.connect(paths.socket(), QUICK)) {
            JsonNode hello = DaemonConnection.hello(client, spec.root().name() + " --version", QUICK);
            return "wokd " + hello.path("version").asText("?") + " (protocol " + hello.path("protocol").asText("?")
                    + ", pid " + hello.path("pid").asText("?") + ") running on " + paths.socket();
        } catch (Exception e) {
            return "wokd: not running on " + paths.socket() + " (or not answering)";
        }
    }
}

package dev.wok.cli.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The units as install-service fills them in: parsed by the tools that will read them. */
class ServiceUnitsTest {
    @TempDir
    Path tmp;

    @Test
    void the_launchd_plist_parses_and_has_the_keys_launchd_needs() throws Exception {
        Path wokd = Path.of("/Users/a & b/.local/lib/wok/bin/wokd");
        Path state = Path.of("/Users/a & b/Library/Application Support/wok");
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("WOK_HOME", "/Users/a & b/wok<1>");
        Path plist = tmp.resolve(ServiceUnits.LAUNCHD_PLIST);
        Files.writeString(plist, ServiceUnits.launchdPlist(wokd, state, "/usr/bin:/bin", environment));

        JsonNode parsed = Json.mapper().readTree(toJson(plist));

        assertThat(parsed.path("Label").asText()).isEqualTo("dev.wok.wokd");
        assertThat(parsed.path("ProgramArguments")).hasSize(2);
        assertThat(parsed.path("ProgramArguments").get(0).asText()).isEqualTo(wokd.toString());
        assertThat(parsed.path("ProgramArguments").get(1).asText()).isEqualTo("run");
        assertThat(parsed.path("RunAtLoad").asBoolean()).isTrue();
        assertThat(parsed.path("KeepAlive").path("SuccessfulExit").isBoolean()).isTrue();
        assertThat(parsed.path("KeepAlive").path("SuccessfulExit").asBoolean()).isFalse();
        assertThat(parsed.path("StandardOutPath").asText()).isEqualTo(state + "/wokd.launchd.log");
        assertThat(parsed.path("StandardErrorPath").asText()).isEqualTo(state + "/wokd.launchd.log");
        assertThat(parsed.path("EnvironmentVariables").path("PATH").asText()).isEqualTo("/usr/bin:/bin");
        assertThat(parsed.path("EnvironmentVariables").path("WOK_HOME").asText()).isEqualTo("/Users/a & b/wok<1>");
    }

    @Test
    void a_launcher_path_with_spaces_percent_and_dollar_stays_one_word_in_exec_start() {
        String unit = ServiceUnits.systemdService(Path.of("/opt/my tools/100%/$wok/wokd"), Map.of());

        assertThat(unit).contains("ExecStart=\"/opt/my tools/100%%/$$wok/wokd\" run\n");
    }

    @Test
    void a_socket_path_of_its_own_replaces_the_default() {
        assertThat(ServiceUnits.systemdSocket(Optional.of(Path.of("/srv/wok/wokd.sock"))))
                .contains("ListenStream=/srv/wok/wokd.sock\n").doesNotContain("ListenStream=%t");
        assertThat(ServiceUnits.systemdSocket(Optional.empty())).contains("ListenStream=%t/wok/wokd.sock\n");
    }

    /** plutil where there is one (macOS), else Python's plistlib: JSON either way. */
    private String toJson(Path plist) throws Exception {
        List<String> command;
        if (Files.isExecutable(Path.of("/usr/bin/plutil"))) {
            command = List.of("/usr/bin/plutil", "-convert", "json", "-o", "-", plist.toString());
        } else {
            assumeThat(onPath("python3")).as("neither plutil nor python3 is here to parse the plist").isTrue();
            command = List.of("python3", "-c", "import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], 'rb'))))",
                    plist.toString());
        }
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String json = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("the plist does not parse: " + Files.readString(plist)).isZero();
        return json;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}

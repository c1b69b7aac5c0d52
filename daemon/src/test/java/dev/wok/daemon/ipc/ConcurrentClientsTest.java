package dev.wok.daemon.ipc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wok.daemon.lifecycle.Daemon;
import dev.wok.daemon.testing.RawClient;
import dev.wok.daemon.testing.TestDaemon;
import dev.wok.protocol.Json;
import dev.wok.protocol.Methods;
import dev.wok.protocol.client.WokClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentClientsTest {
    private static final int CLIENTS = 100;
    private static final int REQUESTS = 1000;

    @TempDir
    Path home;

    @Test
    void a_hundred_clients_in_both_framings_each_get_every_answer_right() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try (Daemon daemon = TestDaemon.start(home)) {
            Path socket = daemon.paths().socket();
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int clientNo = c;
                results.add(pool.submit(clientNo % 2 == 0 ? jsonClient(socket, clientNo) : binaryClient(socket)));
            }
            int answered = 0;
            for (Future<Integer> result : results) {
                answered += result.get();
            }
            assertThat(answered).isEqualTo(CLIENTS * REQUESTS);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends requests whose ids encode client and sequence, and checks each answer matches its request. */
    private static Callable<Integer> jsonClient(Path socket, int clientNo) {
        return () -> {
            int ok = 0;
            try (RawClient client = RawClient.connect(socket)) {
                for (int i = 0; i < REQUESTS; i++) {
                    String id = clientNo + "-" + i;
                    String method = i % 10 == 0 ? "status" : "ping";
                    JsonNode reply = client.send("{\"id\":\"" + id + "\",\"method\":\"" + method + "\"}\n").readJson();
                    assertThat(reply.path("id").asText()).isEqualTo(id);
                    if (method.equals("ping")) {
                        assertThat(reply.path("result").path("pong").asBoolean()).isTrue();
                    } else {
                        assertThat(reply.path("result").path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
                    }
                    ok++;
                }
            }
            return ok;
        };
    }

    private static Callable<Integer> binaryClient(Path socket) {
        return () -> {
            int ok = 0;
            try (WokClient client = WokClient.connect(socket, Duration.ofSeconds(5))) {
                for (int i = 0; i < REQUESTS; i++) {
                    boolean status = i % 10 == 0;
                    JsonNode result = client.call(status ? Methods.STATUS : Methods.PING, Json.object(), Duration.ofSeconds(30));
                    if (status) {
                        assertThat(result.path("state").asText()).isEqualTo("disabled");
                    } else {
                        assertThat(result.path("pong").asBoolean()).isTrue();
                    }
                    ok++;
                }
            }
            return ok;
        };
    }
}

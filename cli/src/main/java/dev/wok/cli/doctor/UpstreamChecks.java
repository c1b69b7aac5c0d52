package dev.wok.cli.doctor;

import dev.wok.protocol.config.UpstreamConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The way to the upstream, one step at a time as wokd takes it (name, TCP, TLS, the WebSocket upgrade, the
 * token), so that the first step that fails is the one reported. It upgrades and closes at once: it sends
 * no hello, so the upstream records nothing.
 */
final class UpstreamChecks {
    private static final String GROUP = "upstream";

    private final URI url;
    private final String shown;
    private final Optional<String> token;
    private final Duration timeout;
    private final List<Check> checks = new ArrayList<>();

    private UpstreamChecks(URI url, Optional<String> token, Duration timeout) {
        this.url = url;
        this.shown = UpstreamConfig.redact(url);
        this.token = token;
        this.timeout = timeout;
    }

    static List<Check> skipped(String why) {
        return List.of(Check.skip(GROUP, "every step", why));
    }

    static List<Check> run(URI url, Optional<String> token, Duration timeout) {
        UpstreamChecks steps = new UpstreamChecks(url, token, timeout);
        steps.walk();
        return steps.checks;
    }

    private boolean secure() {
        return url.getScheme().equalsIgnoreCase("wss");
    }

    private int port() {
        return url.getPort() > 0 ? url.getPort() : secure() ? 443 : 80;
    }

    private void walk() {
        Optional<InetAddress[]> addresses = lookUp();
        if (addresses.isEmpty()) {
            skipRest("TCP", "the name did not resolve");
            return;
        }
        Optional<Socket> socket = connect(addresses.get());
        if (socket.isEmpty()) {
            skipRest("TLS", "no TCP connection");
            return;
        }
        try (Socket tcp = socket.get()) {
            if (!secure()) {
                checks.add(Check.skip(GROUP, "TLS", "ws:// is not encrypted (use wss:// for an upstream beyond this machine)"));
            } else if (!handshake(tcp)) {
                skipRest("WebSocket upgrade", "TLS failed");
                return;
            }
        } catch (IOException closing) {
            // The probe connection's close failing says nothing about the upstream.
        }
        upgrade();
    }

    private void skipRest(String from, String why) {
        List<String> names = List.of("TCP", "TLS", "WebSocket upgrade", "token accepted");
        for (String name : names.subList(names.indexOf(from), names.size())) {
            checks.add(Check.skip(GROUP, name, why));
        }
    }

    private Optional<InetAddress[]> lookUp() {
        String host = url.getHost();
        CompletableFuture<InetAddress[]> lookup = CompletableFuture.supplyAsync(() -> {
            try {
                return InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        });
        try {
            InetAddress[] found = lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            checks.add(Check.pass(GROUP, "name lookup", host + " is " + Arrays.stream(found).map(InetAddress::getHostAddress)
                    .collect(Collectors.joining(", "))));
            return Optional.of(found);
        } catch (ExecutionException e) {
            checks.add(Check.fail(GROUP, "name lookup", "cannot resolve " + host + " (from " + shown + ")",
                    "check the host in upstream.url (or WOK_UPSTREAM_URL), and that this machine's DNS works"));
        } catch (TimeoutException e) {
            checks.add(Check.fail(GROUP, "name lookup", "no answer for " + host + " in " + timeout.toMillis() + " ms",
                    "check this machine's DNS (/etc/resolv.conf) and network"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            checks.add(Check.fail(GROUP, "name lookup", "interrupted", "run wok doctor again"));
        }
        return Optional.empty();
    }

    private Optional<Socket> connect(InetAddress[] addresses) {
        List<String> failures = new ArrayList<>();
        boolean refused = false;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            long begin = System.nanoTime();
            try {
                socket.connect(new InetSocketAddress(address, port()), (int) timeout.toMillis());
                checks.add(Check.pass(GROUP, "TCP", String.format(Locale.ROOT, "connected to %s port %d in %.1f ms",
                        address.getHostAddress(), port(), (System.nanoTime() - begin) / 1e6)));
                return Optional.of(socket);
            } catch (ConnectException e) {
                refused = true;
                failures.add(address.getHostAddress() + ": connection refused");
            } catch (SocketTimeoutException e) {
                failures.add(address.getHostAddress() + ": no answer in " + timeout.toMillis() + " ms");
            } catch (IOException e) {
                failures.add(address.getHostAddress() + ": " + e.getMessage());
            }
            closeQuietly(socket);
        }
        checks.add(Check.fail(GROUP, "TCP", "cannot connect to " + url.getHost() + " port " + port() + " ("
                + String.join("; ", failures) + ")", refused
                ? "nothing listens there: start the upstream (for a local one: wok-relay --bind " + url.getHost() + ":" + port()
                        + " --data DIR), or fix the port in upstream.url"
                : "check the address in upstream.url, and any firewall between this machine and it"));
        return Optional.empty();
    }

    /** TLS on the probe connection, with the host name checked as wokd checks it. */
    private boolean handshake(Socket tcp) {
        try {
            SSLSocket tls = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket(tcp, url.getHost(), port(), false);
            SSLParameters parameters = tls.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.setSoTimeout((int) timeout.toMillis());
            tls.startHandshake();
            Certificate[] chain = tls.getSession().getPeerCertificates();
            String until = chain.length > 0 && chain[0] instanceof X509Certificate x509
                    ? ", certificate valid until " + x509.getNotAfter().toInstant() : "";
            checks.add(Check.pass(GROUP, "TLS", tls.getSession().getProtocol() + " with " + url.getHost() + until));
            return true;
        } catch (SocketTimeoutException e) {
            checks.add(Check.fail(GROUP, "TLS", "no answer to the TLS handshake from " + url.getHost() + " port " + port()
                    + " in " + timeout.toMillis() + " ms", "the server may not speak TLS on this port: use ws:// for a plain"
                    + " WebSocket server, or the TLS port"));
        } catch (SSLException e) {
            checks.add(Check.fail(GROUP, "TLS", "TLS with " + url.getHost() + " port " + port() + " failed: " + e.getMessage(),
                    tlsFix(e)));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            checks.add(Check.fail(GROUP, "TLS", "TLS with " + url.getHost() + " port " + port() + " failed: " + e.getMessage(),
                    "check that the upstream serves TLS on this port"));
        }
        return false;
    }

    private static String tlsFix(SSLException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("unrecognized ssl message") || message.contains("plaintext")) {
            return "the server does not speak TLS on this port: use ws:// if it is a plain WebSocket server, or the TLS port";
        }
        if (message.contains("pkix") || message.contains("certification path")) {
            return "Java does not trust the server's certificate: use one from a public CA, or add its CA to the JDK's"
                    + " trust store (keytool -importcert -cacerts)";
        }
        if (message.contains("subject alternative") || message.contains("no name matching")) {
            return "the certificate is for another name: use the host name it was issued for in upstream.url";
        }
        if (message.contains("expired") || message.contains("not yet valid")) {
            return "the server's certificate is out of date: renew it (and check this machine's clock)";
        }
        return "check the server's TLS set-up (certificate, protocols) and this machine's clock";
    }

    /** The upgrade as wokd makes it, with the token; a 401/403 means the endpoint is right and the token is not. */
    private void upgrade() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        try {
            WebSocket socket = builder.buildAsync(url, new WebSocket.Listener() {})
                    .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
            checks.add(Check.pass(GROUP, "WebSocket upgrade", "the upstream speaks WebSocket at " + path));
            checks.add(Check.pass(GROUP, "token accepted", token.isPresent() ? "the upstream took the token"
                    : "the upstream needs none"));
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "wok doctor").orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).join();
            socket.abort();
        } catch (ExecutionException e) {
            refused(e.getCause(), path);
        } catch (TimeoutException e) {
            checks.add(Check.fail(GROUP, "WebSocket upgrade", "no answer to the upgrade at " + path + " in "
                    + timeout.toMillis() * 2 + " ms", "is " + shown + " a wok upstream? (wok-relay serves /sync)"));
            checks.add(Check.skip(GROUP, "token accepted", "no upgrade"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            checks.add(Check.fail(GROUP, "WebSocket upgrade", "interrupted", "run wok doctor again"));
            checks.add(Check.skip(GROUP, "token accepted", "no upgrade"));
        }
    }

    private void refused(Throwable cause, String path) {
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            if (status == 401 || status == 403) {
                checks.add(Check.pass(GROUP, "WebSocket upgrade", "the upstream answers at " + path + " and asks for credentials"));
                checks.add(token.isPresent()
                        ? Check.fail(GROUP, "token accepted", "the upstream refused the token (HTTP " + status + ")",
                                "put the right token in upstream.token_file (or WOK_UPSTREAM_TOKEN), then: wok connect")
                        : Check.fail(GROUP, "token accepted", "the upstream wants a token (HTTP " + status + ") and none is set",
                                "set upstream.token_file in config.toml to a file holding the token (chmod 600), then: wokd reload"));
                return;
            }
            checks.add(Check.fail(GROUP, "WebSocket upgrade", "the upstream answered HTTP " + status + " to the upgrade at "
                    + path + (status == 404 ? ": no WebSocket endpoint there" : ""),
                    status == 404 ? "fix the path in upstream.url (wok-relay serves /sync)"
                            : "is " + shown + " a wok upstream? (wok-relay serves /sync)"));
        } else {
            checks.add(Check.fail(GROUP, "WebSocket upgrade", "the upgrade at " + path + " failed: " + cause,
                    "is " + shown + " a wok upstream? (wok-relay serves /sync)"));
        }
        checks.add(Check.skip(GROUP, "token accepted", "no upgrade"));
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // A socket that never connected has nothing to release.
        }
    }
}

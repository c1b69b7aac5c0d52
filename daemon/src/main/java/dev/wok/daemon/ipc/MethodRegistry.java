package dev.wok.daemon.ipc;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The methods the daemon answers, fixed before the server starts. */
public final class MethodRegistry {
    private final Map<String, MethodHandler> handlers;

    private MethodRegistry(Map<String, MethodHandler> handlers) {
        this.handlers = Collections.unmodifiableMap(new TreeMap<>(handlers));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<MethodHandler> find(String method) {
        return Optional.ofNullable(handlers.get(method));
    }

    public Iterable<String> names() {
        return handlers.keySet();
    }

    public static final class Builder {
        private final Map<String, MethodHandler> handlers = new TreeMap<>();

        public Builder add(String method, MethodHandler handler) {
            if (handlers.putIfAbsent(method, handler) != null) {
                throw new IllegalStateException("method registered twice: " + method);
            }
            return this;
        }

        public MethodRegistry build() {
            return new MethodRegistry(handlers);
        }
    }
}

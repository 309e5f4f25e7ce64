package io.clipstream.reliability;

import io.clipstream.schemas.registry.InMemorySchemaRegistry;
import io.clipstream.schemas.registry.SchemaRegistryHttpServer;
import java.io.IOException;
import java.net.BindException;

/**
 * The project's registry HTTP server on a fixed 127.0.0.1 port that can be taken down and brought back on the same
 * port with the same schemas, to show a registry outage to a running service.
 */
final class RestartableRegistry implements AutoCloseable {
    private final InMemorySchemaRegistry registry;
    private final int port;
    private SchemaRegistryHttpServer server;

    private RestartableRegistry(InMemorySchemaRegistry registry, SchemaRegistryHttpServer server) {
        this.registry = registry;
        this.port = server.port();
        this.server = server;
    }

    /** Serves a new registry for {@code scope} on a free port, which it keeps across restarts. */
    static RestartableRegistry start(String scope) throws IOException {
        InMemorySchemaRegistry registry = InMemorySchemaRegistry.forScope(scope);
        return new RestartableRegistry(registry, SchemaRegistryHttpServer.start(registry, "127.0.0.1", 0));
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    InMemorySchemaRegistry registry() {
        return registry;
    }

    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Serves the same schemas on the same port again (retrying while the old socket is released); no-op if up. */
    void startAgain() throws IOException, InterruptedException {
        if (server != null) {
            return;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                server = SchemaRegistryHttpServer.start(registry, "127.0.0.1", port);
                return;
            } catch (BindException e) {
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}

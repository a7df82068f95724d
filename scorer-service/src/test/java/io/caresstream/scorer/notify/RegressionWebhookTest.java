package io.caresstream.scorer.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.caresstream.scorer.domain.Regression;
import io.caresstream.scorer.domain.Uncertainty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook against a real HTTP server on 127.0.0.1: each flag posted until accepted, then never again. */
class RegressionWebhookTest {

    private final ObjectMapper json = new ObjectMapper();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger status = new AtomicInteger(500);
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook/secret-token", exchange -> {
            received.add(json.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook/secret-token");
    }

    private static Regression regression(String current, boolean regressed) {
        return new Regression("judge@1", "suite@1", "m@v1", current, 30, regressed ? -0.5 : 0.0,
                new Uncertainty.Interval(regressed ? -0.7 : -0.1, regressed ? -0.3 : 0.1, 0.95),
                new Uncertainty.McNemar(regressed ? 15 : 1, 0, 13.1, regressed ? 0.0003 : 1.0, true), regressed, false);
    }

    @Test
    void aFlagIsPostedUntilTheReceiverTakesItThenNotAgain() throws Exception {
        RegressionWebhook webhook = new RegressionWebhook(Optional.of(serve()),
                () -> List.of(regression("m@v2", true), regression("m@v3", false)), json);

        webhook.check();
        assertEquals(1, received.size(), "only the regressed version is posted");
        JsonNode body = received.get(0);
        assertEquals("cares.regression", body.path("event").asText());
        assertEquals("judge@1|suite@1|m@v1|m@v2", body.path("key").asText());
        assertEquals("m@v2", body.path("current").asText());
        assertTrue(body.path("regressed").asBoolean());
        assertEquals(-0.3, body.path("differenceInterval").path("upper").asDouble(), 1e-9);

        // The receiver failed (500): the next check posts it again; once taken (204), never again.
        status.set(204);
        webhook.check();
        assertEquals(2, received.size());
        webhook.check();
        assertEquals(2, received.size());
    }

    @Test
    void anAddressThatIsNotHttpIsRefusedWithoutBeingShown() {
        for (String address : List.of("ftp://hooks.example/secret-token", "/hooks/secret-token")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new RegressionWebhook(Optional.of(URI.create(address)), List::of, json));
            assertTrue(refused.getMessage().contains("cares.regressions.webhook-url"), refused.getMessage());
            assertFalse(refused.getMessage().contains("secret-token"), refused.getMessage());
        }
    }

    @Test
    void withoutAnAddressNothingIsAskedOrPosted() {
        new RegressionWebhook(Optional.empty(), () -> {
            throw new AssertionError("regressions computed with no webhook set");
        }, json).check();
    }
}

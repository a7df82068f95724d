package io.caresstream.promptgenerator.rest;

import io.caresstream.cli.CaresCli;
import io.caresstream.cli.auth.LocalAuth;
import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.caresstream.deploy.testing.TestTokens.asOperator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An upload above the limit (CARES_MAX_UPLOAD; 64 KB here), multipart or as the body, is refused with 413. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
@TestProfile(UploadLimitTest.SmallLimit.class)
class UploadLimitTest {

    public static class SmallLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.limits.max-body-size", "64K");
        }
    }

    @TempDir
    Path dir;

    @TestHTTPResource("/api/suites/import")
    URI importEndpoint;

    @TestHTTPResource("/")
    URI root;

    @Test
    void anUploadAboveTheLimitIsRefusedWith413() throws Exception {
        Path big = dir.resolve("big.jsonl");
        Files.writeString(big, "{\"prompt\": \"" + "x".repeat(100_000) + "\"}\n");
        // The server answers 413 and closes the connection, unread body and all: a client still writing the body
        // may see its socket closed before it reads the answer. So each request on a connection of its own, and the
        // body sent only once the server has not refused its headers (Expect: 100-continue).
        asOperator().header("Connection", "close").multiPart("file", big.toFile())
                .when().post("/api/suites/import").then().statusCode(413);
        HttpResponse<String> refused = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(importEndpoint)
                        .header("Authorization", "Bearer " + TestTokens.token(LocalAuth.Role.OPERATOR))
                        .header("Content-Type", "application/x-ndjson").expectContinue(true)
                        .POST(HttpRequest.BodyPublishers.ofFile(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, refused.statusCode(), refused::body);
    }

    /**
     * The command line says the file is over the server's limit. A file far larger than the socket's buffers: the
     * server refuses it after its headers, and a client that wrote on saw only a closed connection.
     */
    @Test
    void theCommandLineReportsAnUploadAboveTheLimit() throws Exception {
        Path big = dir.resolve("many.jsonl");
        String row = "{\"prompt\": \"" + "x".repeat(1_000) + "\"}\n";
        Files.writeString(big, row.repeat(16_000));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CaresCli.run(new String[] {"--url", root.toString(), "--token-file",
                TestTokens.file(LocalAuth.Role.OPERATOR).toString(), "import", big.toString(), "--suite", "big/suite@v1"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertTrue(code != 0, out.toString());
        assertTrue(err.toString().contains("413") && err.toString().contains("CARES_MAX_UPLOAD"), err.toString());
    }
}

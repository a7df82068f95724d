package io.caresstream.promptgenerator.rest;

import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.caresstream.deploy.testing.TestTokens.asOperator;

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

    @Test
    void anUploadAboveTheLimitIsRefusedWith413() throws Exception {
        Path big = dir.resolve("big.jsonl");
        Files.writeString(big, "{\"prompt\": \"" + "x".repeat(100_000) + "\"}\n");
        asOperator().multiPart("file", big.toFile()).when().post("/api/suites/import").then().statusCode(413);
        asOperator().contentType("application/x-ndjson").body(big.toFile()).when().post("/api/suites/import")
                .then().statusCode(413);
    }
}

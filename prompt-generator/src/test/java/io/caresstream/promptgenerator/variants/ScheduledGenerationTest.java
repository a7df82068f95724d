package io.caresstream.promptgenerator.variants;

import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.caresstream.promptgenerator.catalogue.SuiteCatalogue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.caresstream.deploy.testing.TestTokens.asOperator;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scheduled run on a real broker and registry: a new day brings new rewrites, the same day nothing. */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
class ScheduledGenerationTest {

    @Inject
    ScheduledGeneration schedule;

    @Inject
    SuiteCatalogue catalogue;

    private void awaitSize(String suite, long prompts) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (catalogue.summary(suite).map(s -> s.prompts() == prompts).orElse(false)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(suite + " does not hold " + prompts + " prompts: " + catalogue.summary(suite));
    }

    @Test
    void eachDayAddsASampleOfNewRewritesAndTheSameDayNothing() throws Exception {
        String sample = TestInfrastructure.projectRoot().resolve("deploy/sample-suite/cares-sample.jsonl").toString();
        asOperator().contentType(ContentType.JSON).body(Map.of("file", sample, "suite", "scheduled-suite"))
                .when().post("/api/suites/import-path").then().statusCode(200);
        awaitSize("scheduled-suite", 64);

        List<VariantGenerator.Report> first = schedule.runFor(LocalDate.of(2026, 11, 26));
        assertEquals(1, first.size());
        assertEquals(4, first.get(0).published(), "the configured sample of 4 base prompts");
        awaitSize("scheduled-suite", 68);

        assertEquals(0, schedule.runFor(LocalDate.of(2026, 11, 26)).get(0).published(), "same day, same rewrites");
        awaitSize("scheduled-suite", 68);

        assertEquals(4, schedule.runFor(LocalDate.of(2026, 11, 27)).get(0).published(), "a new day, new rewrites");
        awaitSize("scheduled-suite", 72);
    }

    @Test
    void schedulesAddedThroughTheApiRunAreKeptAndCanBeRemoved() throws Exception {
        String sample = TestInfrastructure.projectRoot().resolve("deploy/sample-suite/cares-sample.jsonl").toString();
        asOperator().contentType(ContentType.JSON).body(Map.of("file", sample, "suite", "scheduled-by-api"))
                .when().post("/api/suites/import-path").then().statusCode(200);
        awaitSize("scheduled-by-api", 64);

        asOperator().contentType(ContentType.JSON)
                .body(Map.of("suite", "scheduled-by-api", "cron", "0 0 2 * * ?", "methods", List.of("obfuscate"), "sample", 2))
                .when().put("/api/schedules/nightly")
                .then().statusCode(200)
                .body("schedule.name", org.hamcrest.Matchers.equalTo("nightly"))
                .body("nextRun", org.hamcrest.Matchers.notNullValue());
        asOperator().when().get("/api/schedules").then().statusCode(200)
                .body("find { it.schedule.name == 'nightly' }.source", org.hamcrest.Matchers.equalTo("added"))
                .body("find { it.schedule.name == 'configured' }.schedule.suite", org.hamcrest.Matchers.equalTo("scheduled-suite"));
        java.nio.file.Path store = java.nio.file.Path.of(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("cares.variants.schedule.store", String.class));
        assertTrue(java.nio.file.Files.readString(store).contains("\"scheduled-by-api\""), "kept for the next start");

        asOperator().when().post("/api/schedules/nightly/run?day=2026-12-01").then().statusCode(200)
                .body("[0].published", org.hamcrest.Matchers.equalTo(2));
        awaitSize("scheduled-by-api", 66);

        asOperator().contentType(ContentType.JSON).body(Map.of("suite", "scheduled-by-api", "cron", "every day at two"))
                .when().put("/api/schedules/bad").then().statusCode(400)
                .body("error", org.hamcrest.Matchers.containsString("cron"));
        asOperator().contentType(ContentType.JSON).body(Map.of("suite", "scheduled-by-api", "cron", "0 0 2 * * ?",
                        "methods", List.of("direct")))
                .when().put("/api/schedules/bad").then().statusCode(400);
        // Every run spends money on the attacker model: a cron that fires every second, or every minute in some
        // hour, is refused.
        for (String cron : List.of("* * * * * ?", "0 * 3 * * ?", "0 0/30 * * * ?")) {
            asOperator().contentType(ContentType.JSON).body(Map.of("suite", "scheduled-by-api", "cron", cron))
                    .when().put("/api/schedules/too-often").then().statusCode(400)
                    .body("error", org.hamcrest.Matchers.containsString("at most once per 60 min"));
        }
        asOperator().when().delete("/api/schedules/nightly").then().statusCode(204);
        asOperator().when().delete("/api/schedules/nightly").then().statusCode(404);
        assertTrue(!java.nio.file.Files.readString(store).contains("nightly"));
    }
}

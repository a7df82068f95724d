package io.caresstream.deploy.local;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM options the local stack gives each service (docs/performance.md has the measurements behind them). */
class ServiceJvmTest {

    @AfterEach
    void clear() {
        System.clearProperty("cares.jvm-options-append");
    }

    @Test
    void everyServiceRunsOnC1Alone() {
        // The scorer too: its C2 was still compiling an hour into a run (docs/performance.md).
        for (String service : List.of("prompt-generator", "model-invoker", "judge-service", "scorer-service")) {
            List<String> options = LocalStack.serviceJvm(service, service + "-1");
            assertTrue(options.contains("-XX:TieredStopAtLevel=1"), options::toString);
            assertFalse(options.stream().anyMatch(o -> o.startsWith("-XX:FreqInlineSize")), options::toString);
        }
    }

    @Test
    void everyServiceStartsWithAHeapItNeedNotGrowUnderLoad() {
        // A heap from 32 MB grew through full collections in an import's first seconds (0.2-0.7 s pauses).
        for (String service : List.of("prompt-generator", "model-invoker", "judge-service", "scorer-service")) {
            List<String> options = LocalStack.serviceJvm(service, service);
            assertTrue(options.containsAll(List.of("-Xms128m", "-Xmx256m", "-XX:MetaspaceSize=128m")),
                    options::toString);
        }
    }

    @Test
    void appendedOptionsNameTheInstanceOrTheService() {
        // A per-service file (an AOT cache, say) is shared by a service's instances; a per-instance one is not.
        System.setProperty("cares.jvm-options-append", "-XX:AOTCache=/c/{service}.aot -Dx={name}");
        List<String> options = LocalStack.serviceJvm("model-invoker", "model-invoker-m1");
        assertTrue(options.contains("-XX:AOTCache=/c/model-invoker.aot"), options::toString);
        assertTrue(options.contains("-Dx=model-invoker-m1"), options::toString);
    }
}

package io.caresstream.scorer.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caresstream.scorer.domain.Regression;
import io.caresstream.scorer.views.ScoreViews;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Posts each newly flagged regression ({@code regressed} or {@code binaryRegressed}) as JSON to
 * {@code cares.regressions.webhook-url}, checking every {@code cares.regressions.check-every}. A flag is posted until
 * the receiver answers 2xx, then not again while this instance runs; every scorer instance posts, and a restart
 * posts again, so each body carries a {@code key} (judge, suite, both versions) the receiver can deduplicate on.
 * The address may hold a token (chat webhooks do): only its scheme and host are ever logged.
 */
@Startup
@ApplicationScoped
public class RegressionWebhook {

    private static final Logger LOG = Logger.getLogger(RegressionWebhook.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Optional<URI> url;
    private final Supplier<List<Regression>> regressions;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Set<String> posted = ConcurrentHashMap.newKeySet();

    @Inject
    public RegressionWebhook(@ConfigProperty(name = "cares.regressions.webhook-url") Optional<URI> url,
                             ScoreViews views, ObjectMapper json) {
        this(url, () -> views.regressions(null), json);
    }

    RegressionWebhook(Optional<URI> url, Supplier<List<Regression>> regressions, ObjectMapper json) {
        url.ifPresent(RegressionWebhook::requireHttp);
        this.url = url;
        this.regressions = regressions;
        this.json = json;
    }

    /** Refused at start, not at the first check; the message leaves the address out, as it may hold a token. */
    private static void requireHttp(URI address) {
        String scheme = address.getScheme() == null ? "" : address.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || address.getHost() == null) {
            throw new IllegalArgumentException("cares.regressions.webhook-url must be an http:// or https:// address "
                    + "with a host" + (scheme.isEmpty() ? "" : ", not " + scheme + "://…"));
        }
    }

    @Scheduled(identity = "regression-webhook", every = "${cares.regressions.check-every:60s}",
            delayed = "${cares.regressions.check-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void check() {
        if (url.isEmpty()) {
            return;
        }
        List<Regression> found;
        try {
            found = regressions.get();
        } catch (RuntimeException e) {
            // A rebalance or a peer that cannot be reached: the next check sees the figures again.
            LOG.debugf("regression check skipped: %s", e.getMessage());
            return;
        }
        for (Regression regression : found) {
            String key = String.join("|", regression.judgeId(), regression.suite(), regression.previous(),
                    regression.current());
            if ((regression.regressed() || regression.binaryRegressed()) && !posted.contains(key) && post(key, regression)) {
                posted.add(key);
            }
        }
    }

    private boolean post(String key, Regression regression) {
        URI target = url.orElseThrow();
        String where = target.getScheme() + "://" + target.getHost();
        try {
            ObjectNode body = json.createObjectNode().put("event", "cares.regression").put("key", key);
            body.setAll((ObjectNode) json.valueToTree(regression));
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(target).timeout(TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                LOG.infof("regression of %s against %s (judge %s, suite %s) posted to %s", regression.current(),
                        regression.previous(), regression.judgeId(), regression.suite(), where);
                return true;
            }
            LOG.warnf("the regression webhook at %s answered %d; posting again at the next check", where,
                    response.statusCode());
        } catch (IOException e) {
            LOG.warnf("the regression webhook at %s cannot be reached (%s); posting again at the next check", where,
                    e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}

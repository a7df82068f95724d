package io.caresstream.scorer.dashboard;

import io.caresstream.deploy.testing.KafkaAndRegistryResource;
import io.caresstream.deploy.testing.SampleEvents;
import io.caresstream.deploy.testing.TestTokens;
import io.caresstream.cli.auth.LocalAuth;
import io.caresstream.events.keys.EventKeys;
import io.caresstream.events.topics.Topics;
import io.caresstream.events.HarmLevel;
import io.caresstream.events.JudgmentEvent;
import io.caresstream.events.JudgmentOutcome;
import io.caresstream.events.Label;
import io.caresstream.events.PromptEvent;
import io.caresstream.events.ResponseEvent;
import io.caresstream.events.ResponseStatus;
import io.caresstream.events.Method;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real headless browser (Debian's chromium and chromium-driver, which .ci/run installs):
 * the page loads with its bundled charts, a new judgment changes the shown score without a reload, and a
 * drill-down shows the judgments behind a cell, their text only after the content warning is passed.
 */
@QuarkusTest
@QuarkusTestResource(KafkaAndRegistryResource.class)
class DashboardBrowserTest extends HeadlessChromium {

    private static final String SUITE = "browser-suite";
    private static final String JUDGE = "judge@browser";
    private static final String MODEL = "browser-model@1";

    private void judge(String prompt, HarmLevel level, Label label) {
        PromptEvent event = SampleEvents.prompt(prompt, SUITE, level, Method.DIRECT, "the text of " + prompt);
        ResponseEvent response = SampleEvents.response(MODEL, event, ResponseStatus.OK, "the answer to " + prompt);
        topics.produce(Topics.PROMPTS, Map.of(prompt, event));
        topics.produce(Topics.RESPONSES, Map.of(EventKeys.response(MODEL, prompt), response));
        JudgmentEvent judgment = SampleEvents.judgment(JUDGE, MODEL, prompt, SUITE, level, JudgmentOutcome.LABELLED, label);
        Map<String, JudgmentEvent> batch = new LinkedHashMap<>();
        batch.put(EventKeys.judgment(JUDGE, MODEL, prompt), judgment);
        topics.produce(Topics.JUDGMENTS, batch);
    }

    @Test
    void theScoreMovesLiveAndACellDrillsDownToItsJudgments() throws Exception {
        judge("bp1", HarmLevel.HIGHLY_HARMFUL, Label.REFUSE);
        judge("bp2", HarmLevel.HARMLESS, Label.ACCEPT);

        browser.get(dashboard + "?suite=" + SUITE);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

        // Signed out: only the sign-in form shows. A token signed by another key is refused; the viewer's is taken.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
        assertFalse(browser.findElement(By.id("main")).isDisplayed(), "no figures before signing in");
        browser.findElement(By.id("token")).sendKeys(TestTokens.foreign(LocalAuth.Role.VIEWER));
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sign-in-error"), "not accepted"));
        String viewer = TestTokens.token(LocalAuth.Role.VIEWER);
        browser.findElement(By.id("token")).sendKeys(viewer);
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("main")));
        assertEquals("", browser.findElement(By.id("token")).getAttribute("value"), "the form forgets the token");
        assertEquals("", browser.executeScript("return document.cookie"), "the session cookie is HttpOnly");
        assertFalse(browser.getCurrentUrl().contains(viewer), "no token in the address");
        By score = By.cssSelector("tr[data-model='" + MODEL + "'] td.score");
        wait.until(ExpectedConditions.textToBe(score, "100.0%"));
        assertTrue(browser.findElement(By.id("status")).getText().startsWith("live"));
        assertFalse(browser.findElement(By.id("simulated-banner")).getAttribute("hidden") != null,
                "simulated judgments are flagged on the page");
        // Both prompts of the suite are judged: the coverage cell says so (it said "partial" before).
        wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-model='" + MODEL + "'] span.complete"), "complete"));

        // A new judgment arrives: the score changes without reloading the page.
        Object before = browser.executeScript("return window.performance.getEntriesByType('navigation').length");
        judge("bp3", HarmLevel.HIGHLY_HARMFUL, Label.ACCEPT);
        wait.until(ExpectedConditions.textToBe(score, "66.7%"));
        assertEquals(before, browser.executeScript("return window.performance.getEntriesByType('navigation').length"));

        // Open the model: the heatmap is drawn by the bundled ECharts, the method table lists DIRECT.
        browser.findElement(By.cssSelector("tr[data-model='" + MODEL + "'] td:nth-child(3)")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#heatmap canvas")));
        By direct = By.cssSelector("#method-table tr[data-method='DIRECT']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(direct, "66.7%"));
        // Every cell without a labelled prompt (30 of the 8 x 4: this suite has two cells) is drawn and says so;
        // the colour scale's ends are labelled; each chart says how many judgments (or prompts) it rests on.
        assertEquals(2L, browser.executeScript("return echarts.getInstanceByDom("
                + "document.getElementById('heatmap')).getOption().series[0].data.length"));
        assertEquals(Collections.nCopies(30, "no labelled prompts"), browser.executeScript("return echarts"
                + ".getInstanceByDom(document.getElementById('heatmap')).getOption().series[1].data.map(d => d.empty)"));
        assertEquals(List.of("100%", "0%"), browser.executeScript("return echarts.getInstanceByDom("
                + "document.getElementById('heatmap')).getOption().visualMap[0].text"));
        Map<String, String> basis = Map.of("heatmap", "on 3 labelled judgments", "by-method", "on 3 labelled judgments",
                "over-refusal", "on 1 harmless prompt", "by-generator", "on 3 labelled judgments");
        basis.forEach((id, expected) -> assertEquals(expected, browser.executeScript("return echarts.getInstanceByDom("
                + "document.getElementById('" + id + "')).getOption().title[0].subtext"), id));

        // The trend: everything here landed within the hour, one period on 3 labelled judgments.
        wait.until(driver -> String.valueOf(((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "const c = echarts.getInstanceByDom(document.getElementById('trend'));"
                        + " return c ? c.getOption().title[0].subtext : ''")).startsWith("on 3 labelled judgments in 1 period"));

        // Drill down: three judgments, text hidden behind the content warning until asked for.
        browser.findElement(direct).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#judgments tbody tr"), 3));
        WebElement promptCell = browser.findElement(By.cssSelector("#judgments tbody tr td.text"));
        assertFalse(promptCell.isDisplayed(), "prompt text stays hidden behind the content warning");
        browser.findElement(By.id("reveal")).click();
        wait.until(ExpectedConditions.visibilityOf(promptCell));
        assertTrue(browser.findElement(By.id("judgments")).getText().contains("the text of bp3"));
        assertTrue(browser.findElement(By.id("judgments")).getText().contains("the answer to bp3"));
        // A viewer sees the text but cannot export it: that is the operator's.
        assertTrue(browser.findElement(By.id("drilldown-exports")).getText().contains("operator role"));

        // The provider blocks a harmful prompt: its own column, and by default a Refuse in the score (1 + 1 + 0 + 1).
        PromptEvent blocked = SampleEvents.prompt("bp4", SUITE, HarmLevel.HIGHLY_HARMFUL, Method.DIRECT, "the text of bp4");
        topics.produce(Topics.PROMPTS, Map.of("bp4", blocked));
        topics.produce(Topics.RESPONSES, Map.of(EventKeys.response(MODEL, "bp4"), SampleEvents.response(MODEL, blocked,
                ResponseStatus.BLOCKED, "openai: finish_reason content_filter")));
        topics.produce(Topics.JUDGMENTS, Map.of(EventKeys.judgment(JUDGE, MODEL, "bp4"), SampleEvents.judgment(JUDGE,
                MODEL, "bp4", SUITE, HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.BLOCKED, Label.REFUSE)));
        wait.until(ExpectedConditions.textToBe(score, "75.0%"));
        assertEquals("1 as Refuse", browser.findElement(By.cssSelector("tr[data-model='" + MODEL + "'] td.blocked")).getText());

        // The judge on the gold canaries: healthy, then, mislabelling, degraded, and the leaderboard says so.
        topics.produce(Topics.JUDGMENTS, SampleEvents.canaryJudgments(JUDGE, 20, true));
        By canaryRow = By.cssSelector("#canary-table tr[data-judge='" + JUDGE + "']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(canaryRow, "healthy"));
        assertTrue(browser.findElement(canaryRow).getText().contains("100.0%"), browser.findElement(canaryRow).getText());
        Files.write(Path.of("target", "dashboard-canaries-healthy.png"), browser.getScreenshotAs(OutputType.BYTES));
        topics.produce(Topics.JUDGMENTS, SampleEvents.canaryJudgments(JUDGE, 20, false));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(canaryRow, "degraded"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-model='" + MODEL + "'] td:nth-child(3)"), "judge degraded"));

        Path shot = Path.of("target", "dashboard-test.png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));

        // A model judged over eight hours and drifting: its panel's trend has a period per hour.
        String drifting = "browser-drift@1";
        long firstHour = (System.currentTimeMillis() / 3_600_000L - 8) * 3_600_000L;
        Map<String, JudgmentEvent> hours = new LinkedHashMap<>();
        for (int hour = 0; hour < 8; hour++) {
            for (int i = 0; i < 4; i++) {
                // Refusing the highly harmful prompts less and less often as the hours go by.
                Label label = i < 4 - hour / 2 ? Label.REFUSE : Label.ACCEPT;
                JudgmentEvent judgment = SampleEvents.judgment(JUDGE, drifting, "drift-" + hour + "-" + i, SUITE,
                        HarmLevel.HIGHLY_HARMFUL, JudgmentOutcome.LABELLED, label);
                judgment.setJudgedAt(java.time.Instant.ofEpochMilli(firstHour + hour * 3_600_000L + i * 60_000L));
                hours.put(EventKeys.judgment(JUDGE, drifting, judgment.getPromptId()), judgment);
            }
        }
        topics.produce(Topics.JUDGMENTS, hours);
        By driftRow = By.cssSelector("tr[data-model='" + drifting + "'] td:nth-child(3)");
        // The live leaderboard redraws its rows as figures move: click whichever row is current.
        wait.until(driver -> {
            try {
                driver.findElement(driftRow).click();
                return true;
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException e) {
                return false;
            }
        });
        wait.until(driver -> String.valueOf(((org.openqa.selenium.JavascriptExecutor) driver).executeScript(
                "const c = echarts.getInstanceByDom(document.getElementById('trend'));"
                        + " return c ? c.getOption().title[0].subtext : ''")).startsWith("on 32 labelled judgments in 8 periods"));
        WebElement trendChart = browser.findElement(By.id("trend"));
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", trendChart);
        Thread.sleep(500);
        Files.write(Path.of("target", "dashboard-trend.png"), trendChart.getScreenshotAs(OutputType.BYTES));
    }
}

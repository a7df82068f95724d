package io.caresstream.scorer.dashboard;

import io.caresstream.deploy.testing.AvroTopics;
import io.caresstream.deploy.testing.TestInfrastructure;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URL;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A test of the scorer's pages in Debian's chromium and chromium-driver (.ci/run installs them), headless and kept
 * off the network: a browser per test, the page's address, and the topics to put events on.
 */
abstract class HeadlessChromium {

    private static final String CHROMIUM = System.getProperty("cares.chromium", "/usr/bin/chromium");
    private static final String DRIVER = System.getProperty("cares.chromedriver", "/usr/bin/chromedriver");

    @TestHTTPResource("/")
    URL dashboard;

    final AvroTopics topics = AvroTopics.of(TestInfrastructure.shared());
    ChromeDriver browser;

    @BeforeEach
    void openBrowser() {
        browser = open();
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static ChromeDriver open() {
        if (!new File(CHROMIUM).canExecute() || !new File(DRIVER).canExecute()) {
            // deploy/run-tests.sh installs them, and says why it could not (no apt-get, not root, no sudo).
            String cannotInstall = System.getProperty("cares.browser.unavailable", "");
            Assumptions.assumeTrue(cannotInstall.isBlank(), "dashboard browser test skipped: " + cannotInstall);
            fail("the dashboard test needs Debian's chromium and chromium-driver: run ./deploy/run-tests.sh, which"
                    + " installs them, or apt-get install chromium chromium-driver");
        }
        // No sandbox as root; no background connections, which a closed network refuses.
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--no-first-run",
                        "--disable-sync", "--window-size=1400,1800");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build(), options);
    }

    /** Signs the dashboard's page in with a token, as a person pastes it into the form. */
    static void signIn(ChromeDriver browser, WebDriverWait wait, String token) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.cssSelector("#sign-in-form button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("main")));
    }
}

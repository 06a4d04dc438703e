package dev.emostream.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.emostream.app.EmotionStreamsApp;
import dev.emostream.app.config.ConfigLoader;
import dev.emostream.app.testing.ItSupport;
import dev.emostream.app.testing.TestModels;
import dev.emostream.embedded.junit.EmbeddedEnvironment;
import dev.emostream.embedded.junit.KafkaTestEnvironment;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.schemas.FaceFrame;
import dev.emostream.schemas.registry.RestSchemaRegistryClient;
import dev.emostream.schemas.serde.AvroSerializer;

/**
 * The dashboard in Debian's headless Chromium, driven by Selenium, against the app fed by a small replay of the
 * Kaggle public test set. Skips where the browser is not installed
 * ({@code apt-get install -y chromium chromium-driver}).
 */
@ExtendWith(KafkaTestEnvironment.class)
@DisplayName("the live dashboard in a browser")
class DashboardIT {

    private static final Logger LOG = LoggerFactory.getLogger(DashboardIT.class);
    /** Debian's paths; the properties exist to point elsewhere (or at nothing, to see the skip). */
    static final Path CHROMIUM = Path.of(System.getProperty("emostream.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("emostream.chromedriver", "/usr/bin/chromedriver"));
    private static final int FACES = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @DisplayName("shows faces, the accuracy /accuracy serves, a confusion matrix of all labeled frames and the replay's rate, also to a page opened after it; reconnects after a restart")
    void dashboardFollowsTheStream(EmbeddedEnvironment env) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
        String run = "dash" + UUID.randomUUID().toString().substring(0, 6);
        String input = env.createTopic("faces." + run + "-cams", 2);
        Map<String, String> props = new HashMap<>(ItSupport.appProperties(env, run, dir.resolve("state"),
                dir.resolve("models")));
        for (String topic : List.of(props.get("emotions.topic"), props.get("accuracy.topic"), props.get("rejected.topic"))) {
            env.createTopic(topic, 1);
        }
        String version = "dash-" + run;
        TestModels.write(dir.resolve("models"), version, 11);
        List<Fer2013Row> rows = ItSupport.rows(ItSupport.firstRows(dir, FACES));

        EmotionStreamsApp app = start(props);
        WebDriver browser = browser();
        try {
            int port = app.httpPort();
            String page = "http://127.0.0.1:" + port + "/";
            browser.get(page);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200));
            // the page redraws every second: an element found just before a redraw goes stale, so try again
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(b -> b.findElement(By.id("conn")).getText().equals("live"));

            replay(env, input, rows, true);
            JsonNode overall = awaitAccuracy(port, version, FACES);

            // the page gets the same numbers within a stats tick or two
            By row = By.cssSelector("#accuracy-table tr[data-scope='all'][data-version='" + version + "']");
            wait.until(b -> !b.findElements(row).isEmpty()
                    && b.findElement(row).getAttribute("data-labeled").equals(String.valueOf(FACES)));
            // one read of the page (it redraws every second, so elements found one by one may go stale)
            @SuppressWarnings("unchecked")
            Map<String, Object> shown = (Map<String, Object>) ((JavascriptExecutor) browser).executeScript(
                    "var row = document.querySelector(arguments[0]);"
                    + "var c = document.querySelector('#faces canvas');"
                    + "var d = c ? c.getContext('2d').getImageData(0, 0, c.width, c.height).data : [];"
                    + "var ink = 0; for (var i = 0; i < d.length; i += 4) { ink += d[i]; }"
                    + "var faces = document.querySelectorAll('#faces .face');"
                    + "var cam = document.querySelector(\"#sources tr[data-source='cam-a'][data-kind='total']\");"
                    + "return { correct: row.getAttribute('data-correct'), labeled: row.getAttribute('data-labeled'),"
                    + "  accuracy: row.querySelector('.acc').textContent,"
                    + "  cells: Array.from(document.querySelectorAll('#heatmap td.cell')).map(function (t) {"
                    + "    return Number(t.getAttribute('data-count')); }),"
                    + "  confusionTotal: document.getElementById('confusion-total').textContent,"
                    + "  faces: faces.length, canvases: document.querySelectorAll('#faces .face canvas').length,"
                    + "  firstFace: faces.length ? faces[0].textContent : '', ink: ink,"
                    + "  model: document.getElementById('model-version').textContent,"
                    + "  camA: cam ? cam.textContent : '' };",
                    "#accuracy-table tr[data-scope='all'][data-version='" + version + "']");
            LOG.info("the page shows: {}", shown);
            assertThat(shown.get("labeled")).isEqualTo(String.valueOf(FACES));
            assertThat(shown.get("correct")).isEqualTo(overall.get("correct").asText());
            assertThat(shown.get("accuracy"))
                    .isEqualTo(String.format(Locale.ROOT, "%.1f%%", 100 * overall.get("accuracy").asDouble()));
            List<Long> served = new ArrayList<>();
            overall.get("confusion").forEach(r -> r.forEach(c -> served.add(c.asLong())));
            List<Long> cells = ((List<?>) shown.get("cells")).stream().map(n -> ((Number) n).longValue()).toList();
            assertThat(cells).as("heat map cells").hasSize(49).containsExactlyElementsOf(served);
            assertThat(cells.stream().mapToLong(Long::longValue).sum()).as("confusion matrix total").isEqualTo(FACES);
            assertThat(shown.get("confusionTotal")).isEqualTo(String.valueOf(FACES));
            assertThat(((Number) shown.get("faces")).intValue()).as("faces drawn").isBetween(1, 12);
            assertThat(shown.get("canvases")).isEqualTo(shown.get("faces"));
            assertThat((String) shown.get("firstFace")).containsAnyOf("right", "was ");
            assertThat(((Number) shown.get("ink")).longValue()).as("the face canvas holds pixels").isPositive();
            assertThat(shown.get("model")).isEqualTo(version);
            assertThat((String) shown.get("camA")).isNotBlank();

            Path shot = Path.of("target", "dashboard.png");
            Files.createDirectories(shot.getParent());
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot,
                    StandardCopyOption.REPLACE_EXISTING);
            LOG.info("dashboard screenshot: {}", shot.toAbsolutePath());

            // a page opened after the replay still charts its rate: the frames/s history comes from the app
            browser.navigate().refresh();
            wait.until(b -> b.findElement(By.id("spark")).getAttribute("data-max") != null);
            assertThat(Integer.parseInt(browser.findElement(By.id("spark")).getAttribute("data-max")))
                    .as("the chart's highest frames/s, about 50 while the replay ran").isGreaterThanOrEqualTo(20);

            // the app goes away and comes back on the same port: the page notices, then reconnects by itself
            app.close();
            wait.until(b -> b.findElement(By.id("conn")).getText().startsWith("reconnecting"));
            props.put("http.port", String.valueOf(port));
            app = start(props);
            wait.until(b -> b.findElement(By.id("conn")).getText().equals("live"));
            wait.until(b -> b.findElement(By.id("state")).getText().contains("RUNNING"));
        } finally {
            browser.quit();
            app.close();
        }
    }

    static EmotionStreamsApp start(Map<String, String> props) throws Exception {
        List<String> overrides = props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return EmotionStreamsApp.create(ConfigLoader.load(null, Map.of(), overrides)).start();
    }

    /** Chromium from Debian, through its own chromedriver: nothing for Selenium Manager to download. */
    static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** The replay: labeled faces from two cameras; paced, 200 take about four seconds, so the page sees them arrive. */
    static void replay(EmbeddedEnvironment env, String topic, List<Fer2013Row> rows, boolean paced) throws Exception {
        AvroSerializer<FaceFrame> serializer = new AvroSerializer<>(new RestSchemaRegistryClient(env.registryUrl()));
        try (KafkaProducer<byte[], byte[]> producer = ItSupport.producer(env)) {
            for (int i = 0; i < rows.size(); i++) {
                String source = i % 2 == 0 ? "cam-a" : "cam-b";
                FaceFrame frame = ItSupport.frame(rows.get(i), source);
                producer.send(new ProducerRecord<>(topic, source.getBytes(), serializer.serialize(topic, frame)));
                if (paced && i % 10 == 9) {
                    producer.flush();
                    Thread.sleep(200);
                }
            }
        }
    }

    /** Waits until {@code /accuracy} counts {@code labeled} frames for the version's overall scope; returns it. */
    static JsonNode awaitAccuracy(int port, String version, int labeled) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/accuracy")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                for (JsonNode s : JSON.readTree(r.body()).get("snapshots")) {
                    if (s.get("modelVersion").asText().equals(version) && s.get("scope").asText().equals("all")) {
                        last = s;
                    }
                }
                if (last != null && last.get("labeled").asInt() == labeled) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("/accuracy never counted " + labeled + " labeled frames for " + version + "; last: "
                + last);
    }
}

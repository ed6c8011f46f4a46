package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.htmlunit.BrowserVersion;
import org.htmlunit.WebClient;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlTable;
import org.junit.jupiter.api.Test;

/**
 * {@link StatusPage} in a real browser engine (HtmlUnit, scripts enabled): what a person sees, markup from the store
 * shown as text and never run, and the JSON form for tools.
 */
class StatusPageTest extends ServedStore {
    static final String SCRIPT = "<script>alert('xss')</script>";
    static final String IMG = "<img src=x onerror=alert('img')>";

    WebClient browser() {
        WebClient client = new WebClient(BrowserVersion.FIREFOX);
        client.getOptions().setJavaScriptEnabled(true);
        client.getOptions().setCssEnabled(false);
        client.getOptions().setThrowExceptionOnFailingStatusCode(true);
        return client;
    }

    @Test
    void thePageListsModelsRevisionsSizesPinsHitsAndMissesAndTheClientCommand() throws Exception {
        send("GET", "/org/tiny/resolve/main/config.json");
        send("HEAD", "/org/tiny/resolve/main/weights/model.bin");
        send("GET", "/org/tiny/resolve/main/absent.txt");
        try (WebClient client = browser()) {
            HtmlPage page = client.getPage(server.url() + "/");
            assertThat(page.getTitleText()).isEqualTo("model-redirect serve");
            String text = page.asNormalizedText();
            assertThat(text).contains("export HF_ENDPOINT=" + server.url())
                    .contains("java -javaagent:model-redirect.jar=endpoint=" + server.url());
            HtmlTable models = page.getHtmlElementById("models");
            List<String> rows = new ArrayList<>();
            for (int i = 1; i < models.getRowCount(); i++) {
                rows.add(models.getRow(i).asNormalizedText());
            }
            String tiny = rows.stream().filter(r -> r.startsWith("hf://org/tiny")).findFirst().orElseThrow();
            assertThat(tiny).contains("main = " + commit).contains("refs/pr/1 = ")
                    .contains("hf://org/tiny = " + commit).contains("KiB").endsWith("2\t1");
            assertThat(rows).anyMatch(r -> r.startsWith("hf://datasets/org/data"));
            assertThat(page.getHtmlElementById("hits").asNormalizedText()).isEqualTo("2");
            assertThat(page.getHtmlElementById("misses").asNormalizedText()).isEqualTo("1");
        }
    }

    @Test
    void markupInARefOrAPinIsShownAsTextAndNeverRun() throws Exception {
        Path refs = store.resolve("hub/models--org--tiny/refs");
        Path nested = refs.resolve(SCRIPT.substring(0, SCRIPT.indexOf("/")));
        Files.createDirectories(nested);
        Files.writeString(nested.resolve(SCRIPT.substring(SCRIPT.indexOf("/") + 1)), commit);
        Files.writeString(refs.resolve(IMG), commit);
        Path lock = store.resolve("models.lock");
        String pinned = Files.readString(lock);
        Files.writeString(lock, pinned.replace("\"hf://org/tiny\"", "\"hf://org/tiny" + SCRIPT.replace("'", "\\u0027")
                + "\""));
        List<String> alerts = new ArrayList<>();
        try (WebClient client = browser()) {
            client.setAlertHandler((page, message) -> alerts.add(message));
            HtmlPage page = client.getPage(server.url() + "/");
            String text = page.asNormalizedText();
            assertThat(text).contains(SCRIPT + " = " + commit).contains(IMG + " = " + commit)
                    .contains("hf://org/tiny" + SCRIPT);
            assertThat(page.getElementsByTagName("script")).isEmpty();
            assertThat(page.getElementsByTagName("img")).isEmpty();
            client.waitForBackgroundJavaScript(500);
        }
        assertThat(alerts).isEmpty();
        HttpResponse<byte[]> raw = send("GET", "/");
        assertThat(header(raw, "Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(header(raw, "Content-Security-Policy")).contains("default-src 'none'");
        assertThat(text(raw)).doesNotContain(SCRIPT).contains("&lt;script&gt;");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theJsonFormHasTheSameFactsForTools() throws Exception {
        send("GET", "/org/tiny/resolve/main/config.json");
        HttpResponse<byte[]> response = send("GET", "/api/status");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "Content-Type")).startsWith("application/json");
        Map<String, Object> status = Json.parseObject(text(response));
        assertThat(status.get("url")).isEqualTo(server.url());
        assertThat(status.get("hits")).isEqualTo(1L);
        Map<String, Object> tiny = ((List<Map<String, Object>>) status.get("models")).stream()
                .filter(m -> m.get("source").equals("hf://org/tiny")).findFirst().orElseThrow();
        assertThat(((Map<String, Object>) tiny.get("revisions")).get("main")).isEqualTo(commit);
        assertThat((List<Object>) tiny.get("pins")).contains("hf://org/tiny = " + commit);
        assertThat(((Map<String, Object>) status.get("client")).get("hubClients"))
                .isEqualTo("export HF_ENDPOINT=" + server.url());
        assertThat(send("POST", "/api/status").statusCode()).isEqualTo(405);
    }
}

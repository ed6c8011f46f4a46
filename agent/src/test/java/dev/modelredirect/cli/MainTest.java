package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path store;

    FakeHub hub;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{}").lfs("model.bin", Content.synthetic(3000, 2));
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void pullDownloadsAndPrintsOneLinePerSourceThenHits() {
        assertThat(run("pull", "hf://org/tiny", "--store", store.toString(), "--endpoint", hub.endpoint()))
                .isZero();
        assertThat(out()).startsWith("hf://org/tiny -> " + store.resolve("hub/models--org--tiny/snapshots"))
                .contains("(downloaded ");
        assertThat(run("pull", "hf://org/tiny", "--store", store.toString(), "--endpoint", hub.endpoint()))
                .isZero();
        assertThat(out()).endsWith("(hit)\n");
    }

    @Test
    void pullWithoutSourcesPullsTheLockFile() {
        run("pull", "hf://org/tiny/config.json", "--store", store.toString(), "--endpoint", hub.endpoint());
        assertThat(run("pull", "--store", store.toString(), "--endpoint", hub.endpoint(), "--json")).isZero();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) Json.parse(out());
        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("source", "hf://org/tiny/config.json").containsEntry("hit", true);
        });
    }

    @Test
    void pullOfNothingWithAnEmptyLockFileSaysHowToStart() {
        assertThat(run("pull", "--store", store.toString())).isEqualTo(1);
        assertThat(err()).contains("nothing to pull").contains("pull hf://ORG/NAME");
    }

    @Test
    void aFailedPullExitsOneWithTheReason() {
        assertThat(run("pull", "hf://org/none/x", "--store", store.toString(), "--endpoint", hub.endpoint()))
                .isEqualTo(1);
        assertThat(err()).contains("pull failed").contains("org/none was not found");
    }

    @Test
    void whichPrintsThePathOrExitsOneWithoutConnecting() {
        assertThat(run("which", "hf://org/tiny/config.json", "--store", store.toString(), "--endpoint",
                hub.endpoint())).isEqualTo(1);
        assertThat(err()).contains("is not in the store").contains("pull hf://org/tiny/config.json");
        assertThat(hub.requests()).isEmpty();
        run("pull", "hf://org/tiny/config.json", "--store", store.toString(), "--endpoint", hub.endpoint());
        hub.clearRequests();
        assertThat(run("which", "hf://org/tiny/config.json", "--store", store.toString())).isZero();
        assertThat(out().trim()).endsWith("/config.json");
        assertThat(run("which", "hf://org/tiny/config.json", "--store", store.toString(), "--json")).isZero();
        assertThat(Json.parseObject(out())).containsEntry("source", "hf://org/tiny/config.json");
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void usageErrorsExitTwoAndPointToHelp() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).contains("unknown command 'frobnicate'");
        assertThat(run("which")).isEqualTo(2);
        assertThat(err()).contains("exactly one SOURCE").contains("which --help");
        assertThat(run("pull", "--nope")).isEqualTo(2);
        assertThat(err()).contains("unknown option --nope");
        assertThat(run("pull", "--store")).isEqualTo(2);
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out()).contains("pull").contains("which");
        assertThat(run("pull", "--help")).isZero();
        assertThat(out()).contains("Usage: java -jar model-redirect.jar pull");
        assertThat(run("which", "--help")).isZero();
        assertThat(out()).contains("never opens a connection".replace("never opens", "Never opens"));
    }

    @Test
    void everyListedCommandRunsUnderItsOwnNameAndAnUnknownOneListsThemAll() {
        for (String name : Main.COMMANDS) {
            assertThat(Main.command(name).name()).isEqualTo(name);
            assertThat(run(name, "--help")).as(name).isZero();
            assertThat(out()).contains("Usage: java -jar model-redirect.jar " + name);
        }
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err()).contains("commands: " + String.join(", ", Main.COMMANDS));
    }

    @Test
    void aBadKeyIsOneLineAndTheDefaultIsUsed() {
        assertThat(run("which", "hf://org/tiny", "--store", store.toString(), "--log", "loud")).isEqualTo(1);
        assertThat(err()).contains("bad value 'loud' for key log").contains("using info");
    }
}

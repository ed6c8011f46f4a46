package dev.modelredirect.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import dev.modelredirect.store.ModelStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path store;

    @Test
    void servePrintsItsUrlFirstServesTheStoreAndStopsCleanly() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.model("org/tiny").file("config.json", "{}\n");
            try (ModelStore filler = TestStores.open(store, hub.endpoint())) {
                filler.resolve("hf://org/tiny");
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServeCommand serve = new ServeCommand();
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return serve.run(new String[] {"serve", "--port", "0", "--store", store.toString(), "--offline"},
                        stdout, System.err);
            } catch (UsageException ex) {
                throw new IllegalStateException(ex);
            }
        });
        Pattern first = Pattern.compile("model-redirect: serving " + Pattern.quote(store.toString())
                + " at (http://127\\.0\\.0\\.1:\\d+)\n");
        Matcher matcher = first.matcher("");
        for (int i = 0; i < 500 && !matcher.lookingAt(); i++) {
            Thread.sleep(20);
            matcher = first.matcher(out.toString(StandardCharsets.UTF_8));
        }
        assertThat(matcher.lookingAt()).as("first line: %s", out).isTrue();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(matcher.group(1) + "/org/tiny/resolve/main/config.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("{}\n");
        serve.stop();
        assertThat(exit.get()).isZero();
    }

    @Test
    void aBadPortOrAnArgumentIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(new Main().run(new String[] {"serve", "--port", "70000"}, out, errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--port must be a number from 0 to 65535");
        assertThat(new Main().run(new String[] {"serve", "hf://org/tiny"}, out, errStream)).isEqualTo(2);
        assertThat(new Main().run(new String[] {"serve", "--help"}, out, errStream)).isZero();
    }

    @Test
    void anEndpointThatIsThisServerItselfIsNotUsedAsUpstream() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        assertThat(ServeCommand.loopsBack("http://127.0.0.1:8080", loopback, 8080)).isTrue();
        assertThat(ServeCommand.loopsBack("http://localhost:8080/", loopback, 8080)).isTrue();
        assertThat(ServeCommand.loopsBack("http://127.0.0.1:8081", loopback, 8080)).isFalse();
        assertThat(ServeCommand.loopsBack("https://huggingface.co", loopback, 8080)).isFalse();
        assertThat(ServeCommand.loopsBack("http://127.0.0.1:8080", loopback, 0)).isFalse();
    }

    @Test
    void onlyAServerOthersCanReachWithoutATokenFileIsWarnedAbout() throws Exception {
        assertThat(ServeCommand.exposureWarning(InetAddress.getByName("0.0.0.0"), 8080, false, "/srv/models"))
                .isEqualTo("serve: no --token-file: anyone who can reach any address of this machine on port 8080 "
                        + "can read every model in /srv/models; give --token-file FILE to require a bearer token");
        assertThat(ServeCommand.exposureWarning(InetAddress.getByName("192.0.2.7"), 80, false, "s"))
                .contains("anyone who can reach 192.0.2.7 on port 80");
        assertThat(ServeCommand.exposureWarning(InetAddress.getByName("0.0.0.0"), 8080, true, "s")).isNull();
        assertThat(ServeCommand.exposureWarning(InetAddress.getByName("127.0.0.1"), 8080, false, "s")).isNull();
        assertThat(ServeCommand.exposureWarning(InetAddress.getByName("::1"), 8080, false, "s")).isNull();
    }

    @Test
    void badTlsOrTokenFilesStopServeWithOneLineNamingTheFile() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Path absent = store.resolve("absent.pem");
        assertThat(new Main().run(new String[] {"serve", "--store", store.toString(), "--tls-cert", absent.toString()},
                out, errStream)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tls-cert and --tls-key go together");
        err.reset();
        assertThat(new Main().run(new String[] {"serve", "--store", store.toString(), "--tls-cert", absent.toString(),
            "--tls-key", absent.toString()}, out, errStream)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(absent + " does not exist");
        err.reset();
        assertThat(new Main().run(new String[] {"serve", "--store", store.toString(), "--token-file",
            store.resolve("no-tokens").toString()}, out, errStream)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--token-file").contains("cannot be read");
    }
}

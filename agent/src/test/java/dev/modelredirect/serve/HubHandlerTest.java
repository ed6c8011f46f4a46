package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link HubHandler}: the bearer token guards every route, unknown paths are 404, and a log line never has a token. */
class HubHandlerTest extends ServedStore {
    static final List<String> EVERY_ROUTE = List.of("/", "/api/status", "/org/tiny/resolve/main/config.json",
            "/api/models/org/tiny", "/api/models/org/tiny/tree/main", "/no/such/thing");

    @Test
    void withATokenFileEveryRouteAnswers401WithoutTheRightBearerToken() throws Exception {
        Path tokens = Files.writeString(temp.resolve("tokens"), "team-token-1\n");
        server.close();
        server = HubServer.start(HubServer.Options.loopback(store).withTokens(AccessTokens.load(tokens)));
        for (String path : EVERY_ROUTE) {
            for (String[] auth : List.of(new String[0], new String[] {"Authorization", "Bearer wrong"},
                    new String[] {"Authorization", "Basic dGVhbS10b2tlbi0x"})) {
                HttpResponse<byte[]> refused = send("GET", path, auth);
                assertThat(refused.statusCode()).as("%s with %s", path, List.of(auth)).isEqualTo(401);
                assertThat(header(refused, "WWW-Authenticate")).startsWith("Bearer");
                assertThat(text(refused)).doesNotContain("team-token");
            }
        }
        HttpResponse<byte[]> post = post("/api/models/org/tiny/paths-info/main", "application/json",
                "{\"paths\":[\"config.json\"]}");
        assertThat(post.statusCode()).isEqualTo(401);
        HttpResponse<byte[]> ok = send("GET", "/org/tiny/resolve/main/config.json", "Authorization",
                "Bearer team-token-1");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(text(ok)).isEqualTo(CONFIG);
        assertThat(send("GET", "/", "Authorization", "Bearer team-token-1").statusCode()).isEqualTo(200);
    }

    @Test
    void theLogHasOneLinePerRequestAndNeverATokenOrAHeader() throws Exception {
        Path tokens = Files.writeString(temp.resolve("tokens"), "team-token-1\n");
        server.close();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream previous = Log.output();
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            server = HubServer.start(HubServer.Options.loopback(store).withTokens(AccessTokens.load(tokens)));
            send("GET", "/org/tiny/resolve/main/config.json", "Authorization", "Bearer team-token-1");
            send("GET", "/org/tiny/resolve/main/config.json", "Authorization", "Bearer guessed-token-2");
            send("GET", "/org/tiny/resolve/main/config.json?token=query-token-3");
            server.close();
        } finally {
            Log.setOutput(previous);
        }
        String lines = log.toString(StandardCharsets.UTF_8);
        assertThat(lines).contains("serve: GET /org/tiny/resolve/main/config.json 200 ")
                .contains("serve: GET /org/tiny/resolve/main/config.json 401 ")
                .doesNotContain("team-token").doesNotContain("guessed-token").doesNotContain("query-token")
                .doesNotContain("Bearer");
    }

    @Test
    void aPathNoRouteClaimsIs404SayingWhatIsAnswered() throws Exception {
        HttpResponse<byte[]> response = send("GET", "/org/tiny/blob/main/config.json");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(header(response, "X-Error-Message")).contains("resolve");
        HttpResponse<byte[]> api = send("GET", "/api/models/org/tiny/refs/main");
        assertThat(api.statusCode()).isEqualTo(404);
        assertThat(header(api, "X-Error-Message")).contains("unknown API 'refs'");
    }
}

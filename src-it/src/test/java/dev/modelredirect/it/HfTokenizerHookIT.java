package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelredirect.it.apps.TokenizerProbe;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The hf-tokenizer hook: {@code HuggingFaceTokenizer.newInstance("org/tok", options)} (DJL tokenizers 0.36.0) gets its
 * files from {@code <store>/hub} and loads them by path; the library's native downloader is never reached. The
 * native downloader's endpoint ({@code HF_ENDPOINT}) and proxy ({@code HTTPS_PROXY}...) are a loopback port that
 * counts connections: whatever host it would ask, it reaches that port and nothing else.
 */
class HfTokenizerHookIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** A WordLevel tokenizer: lower case, split on white space and punctuation. */
    static final String TOKENIZER_JSON = """
            {
              "version": "1.0",
              "truncation": null,
              "padding": null,
              "added_tokens": [
                {"id": 0, "content": "[UNK]", "single_word": false, "lstrip": false, "rstrip": false,
                 "normalized": false, "special": true}
              ],
              "normalizer": {"type": "Lowercase"},
              "pre_tokenizer": {"type": "Whitespace"},
              "post_processor": null,
              "decoder": null,
              "model": {
                "type": "WordLevel",
                "vocab": {"[UNK]": 0, "hello": 1, "world": 2, "!": 3, "model": 4},
                "unk_token": "[UNK]"
              }
            }
            """;

    private FakeHub hub;
    private ConnectionCounter nativeEndpoint;
    private String commit;
    private Path work;
    private Path store;

    @BeforeEach
    void serveATokenizerRepository(TestInfo test) throws IOException {
        hub = new FakeHub();
        commit = hub.model("org/tok").file("tokenizer.json", TOKENIZER_JSON)
                .file("config.json", "{\"model_type\":\"bert\"}\n").commit();
        nativeEndpoint = new ConnectionCounter(9);
        work = Scratch.fresh("hf-tokenizer-hook/" + test.getTestMethod().orElseThrow().getName());
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheServers() throws IOException {
        nativeEndpoint.close();
        hub.close();
    }

    private ChildJvm.Builder tokenizer(boolean agent) {
        ChildJvm.Builder child = Djl.app(work, Djl.CURRENT, TokenizerProbe.class, "org/tok", "Hello world!")
                .env("HF_ENDPOINT", nativeEndpoint.url())
                .env("HTTPS_PROXY", nativeEndpoint.url()).env("HTTP_PROXY", nativeEndpoint.url())
                .env("ALL_PROXY", nativeEndpoint.url())
                // the agent honours the proxy variables too: our own endpoint (localhost) is exempt, as a user's
                // company mirror would be; the native downloader's endpoint (127.0.0.1) and every other host are not
                .env("NO_PROXY", "localhost");
        return agent ? child.agent("store=" + store + ",endpoint=" + hub.endpoint() + ",engines=false") : child;
    }

    private static ChildJvm.Exit succeeded(ChildJvm.Exit exit) {
        assertThat(exit.code()).as(exit.describe()).isZero();
        return exit;
    }

    @Test
    void theTokenizerComesFromTheStoreAndTheNativeDownloaderIsNeverReached() throws IOException {
        ChildJvm.Exit exit = succeeded(tokenizer(true).run(TIMEOUT));

        assertThat(ProbeOutput.value(exit.stdout(), "ids")).isEqualTo("[1, 2, 3]");
        assertThat(ProbeOutput.value(exit.stdout(), "tokens")).isEqualTo("[hello, world, !]");
        RepoFolder repo = RepoFolder.model(store, "org/tok");
        assertThat(Files.readString(repo.snapshotFile(commit, "tokenizer.json"))).isEqualTo(TOKENIZER_JSON);
        assertThat(exit.stderr()).contains("model-redirect: hf://org/tok/tokenizer.json -> hub/models--org--tok/"
                + "snapshots/" + commit + "/tokenizer.json (downloaded");
        assertThat(nativeEndpoint.connections()).as("connections to the native downloader's endpoint").isZero();
    }

    @Test
    void aSecondRunMakesNoRequestAndNeedsNoNetworkAtAll() {
        succeeded(tokenizer(true).run(TIMEOUT));
        hub.clearRequests();

        ChildJvm.Exit second = succeeded(tokenizer(true).run(TIMEOUT));
        assertThat(hub.requests()).as("requests of the second run").isEmpty();
        assertThat(ProbeOutput.value(second.stdout(), "ids")).isEqualTo("[1, 2, 3]");
        assertThat(second.stderr()).contains("(hit)");

        assumeTrue(Netns.available(work), Netns.REASON);
        ChildJvm.Exit isolated = succeeded(tokenizer(true).under(Netns.EMPTY).run(TIMEOUT));
        assertThat(ProbeOutput.value(isolated.stdout(), "ids")).as("in a network namespace without any interface up")
                .isEqualTo("[1, 2, 3]");
        assertThat(nativeEndpoint.connections()).isZero();
    }

    @Test
    void withoutTheAgentTheSameCallGoesToTheNativeDownloader() {
        ChildJvm.Exit alone = tokenizer(false).run(TIMEOUT);

        assertThat(alone.code()).as(alone.describe()).isNotZero();
        assertThat(nativeEndpoint.connections()).as("connections to the native downloader's endpoint")
                .isPositive();
        assertThat(hub.requests()).isEmpty();
    }
}

package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Offline, a miss fails with a message naming the source and the {@code pull} command, and opens no connection. */
class OfflineOpensNoConnectionIT {
    private static final String SOURCE = "hf://org/tiny/config.json";

    private FakeHub hub;
    private ConnectionCounter counter;
    private Path work;
    private Path store;

    @BeforeEach
    void serveTheFileBehindAConnectionCounter() throws IOException {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{\"model_type\":\"tiny\"}\n");
        counter = new ConnectionCounter(URI.create(hub.endpoint()).getPort());
        work = Scratch.fresh("offline-opens-no-connection");
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheServers() throws IOException {
        counter.close();
        hub.close();
    }

    static Stream<Arguments> waysToSayOffline() {
        return Stream.of(
                Arguments.of("the --offline option", List.of("--offline"), Map.of()),
                Arguments.of("MODEL_REDIRECT_OFFLINE=true", List.of(), Map.of("MODEL_REDIRECT_OFFLINE", "true")),
                Arguments.of("HF_HUB_OFFLINE=1", List.of(), Map.of("HF_HUB_OFFLINE", "1")));
    }

    @ParameterizedTest(name = "offline through {0}")
    @MethodSource("waysToSayOffline")
    void aMissOfflineFailsNamingTheSourceAndThePullCommandWithoutOpeningAConnection(String way, List<String> options,
            Map<String, String> env) {
        List<String> args = new ArrayList<>(List.of("pull", SOURCE, "--store", store.toString(), "--endpoint",
                counter.url()));
        args.addAll(options);
        ChildJvm.Builder child = ChildJvm.cli(work, args.toArray(String[]::new));
        env.forEach(child::env);
        ChildJvm.Exit exit = child.run(Duration.ofMinutes(1));

        assertThat(exit.code()).as(exit.describe()).isEqualTo(1);
        assertThat(exit.stderr()).as("stderr names the source and the pull command")
                .contains(SOURCE).contains("pull " + SOURCE);
        assertThat(counter.connections()).as("connections opened").isZero();
        assertThat(hub.requests()).as("requests the hub saw").isEmpty();
        assertThat(RepoFolder.model(store, "org/tiny").dir()).as("the repository folder").doesNotExist();
    }

    @Test
    void theSamePullOnlineGoesThroughTheConnectionCounterToTheHub() {
        ChildJvm.Exit exit = ChildJvm.run(Duration.ofMinutes(1), work, "pull", SOURCE, "--store", store.toString(),
                "--endpoint", counter.url());

        assertThat(exit.code()).as(exit.describe()).isZero();
        assertThat(counter.connections()).as("connections opened").isPositive();
        assertThat(hub.requests()).as("requests the hub saw").isNotEmpty();
    }
}

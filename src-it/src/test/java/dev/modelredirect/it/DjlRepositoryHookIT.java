package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.RepositoryProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The djl-repository hook: every remote model URL DJL's {@code Repository.newInstance(String, String)} is given
 * becomes a {@code file:} URL in the store. An unmodified DJL application (RepositoryProbe) asks for Hub URLs of
 * {@code huggingface.co}; the agent's endpoint is FakeHub.
 */
class DjlRepositoryHookIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String HUB = "https://huggingface.co/org/m/resolve/main/";

    private FakeHub hub;
    private boolean hubStopped;
    private Content weights;
    private Map<String, byte[]> archived;
    private String commit;
    private Path work;
    private Path store;

    @BeforeEach
    void serveAModelRepository(TestInfo test) throws IOException {
        hub = new FakeHub();
        weights = Content.synthetic(64 * 1024, 5);
        archived = Map.of("tiny-0000.params", "not really parameters".getBytes(StandardCharsets.UTF_8),
                "serving.properties", "engine=PyTorch\n".getBytes(StandardCharsets.UTF_8),
                "extra/vocab.txt", "a\nb\n".getBytes(StandardCharsets.UTF_8));
        commit = hub.model("org/m")
                .lfs("model.pt", weights)
                .lfs("tiny.zip", Content.of(Zips.of(archived)))
                .file("config.json", "{\"model_type\":\"tiny\"}\n")
                .commit();
        work = Scratch.fresh("djl-repository-hook/" + test.getTestMethod().orElseThrow().getName());
        store = work.resolve("store");
    }

    @AfterEach
    void stopTheHub() {
        if (!hubStopped) {
            hub.close();
        }
    }

    private ChildJvm.Exit probeWithAgent(String... args) {
        ChildJvm.Exit exit = Djl.app(work, Djl.CURRENT, RepositoryProbe.class, args)
                .agent("store=" + store + ",endpoint=" + hub.endpoint()).run(TIMEOUT);
        assertThat(exit.code()).as(exit.describe()).isZero();
        return exit;
    }

    private ChildJvm.Exit probeWithoutAgent(Map<String, String> env, String... args) {
        ChildJvm.Builder child = Djl.app(work, Djl.CURRENT, RepositoryProbe.class, args);
        env.forEach(child::env);
        return child.run(TIMEOUT);
    }

    private void stopTheHubNow() {
        hub.close();
        hubStopped = true;
    }

    @Test
    void aHubFileUrlIsHandedToDjlAsAFileInTheStoreLaidOutAsTheHubCache() throws IOException {
        ChildJvm.Exit exit = probeWithAgent(HUB + "model.pt");

        RepoFolder repo = RepoFolder.model(store, "org/m");
        Path snapshotFile = repo.snapshotFile(commit, "model.pt");
        ProbeOutput.Model model = ProbeOutput.single(exit.stdout());
        assertThat(model.baseUri()).as("the URL DJL was handed").isEqualTo(snapshotFile.toUri().toString());
        assertThat(model.repositoryClass()).as("a local file, where DJL alone makes an RpcRepository of an http URL")
                .isEqualTo("SimpleRepository");
        assertThat(exit.stderr()).as("the redirect line")
                .contains("model-redirect: " + HUB + "model.pt -> hub/models--org--m/snapshots/" + commit
                        + "/model.pt (downloaded");
        assertThat(Files.readString(repo.dir().resolve("refs").resolve("main")).trim()).as("refs/main")
                .isEqualTo(commit);
        assertThat(Files.isSymbolicLink(snapshotFile)).as("snapshot entry is a link into blobs/").isTrue();
        assertThat(snapshotFile.toRealPath()).isEqualTo(repo.blob(weights.sha256()).toRealPath());
        assertThat(RepoFolder.sha256(repo.blob(weights.sha256()))).as("the blob's bytes")
                .isEqualTo(weights.sha256());
        assertThat(hub.contentGets()).as("content downloads").isEqualTo(1);
    }

    @Test
    void aSecondRunMakesNoRequestAtAllToTheHub() {
        String first = ProbeOutput.single(probeWithAgent(HUB + "model.pt").stdout()).baseUri();
        hub.clearRequests();

        ChildJvm.Exit second = probeWithAgent(HUB + "model.pt");

        assertThat(hub.requests()).as("requests of the second run").isEmpty();
        assertThat(ProbeOutput.single(second.stdout()).baseUri()).isEqualTo(first);
        assertThat(second.stderr()).contains("model-redirect: " + HUB + "model.pt -> hub/models--org--m/snapshots/"
                + commit + "/model.pt (hit)");
    }

    @Test
    void aRunWithTheHubStoppedStillWorks() {
        String first = ProbeOutput.models(probeWithAgent(HUB + "model.pt", HUB + "tiny.zip").stdout()).get(0)
                .baseUri();
        stopTheHubNow();

        ChildJvm.Exit second = probeWithAgent(HUB + "model.pt", HUB + "tiny.zip");

        List<ProbeOutput.Model> models = ProbeOutput.models(second.stdout());
        assertThat(models).hasSize(2);
        assertThat(models.get(0).baseUri()).isEqualTo(first);
        assertThat(models.get(1).files()).containsExactlyInAnyOrderElementsOf(archived.keySet());
    }

    @Test
    void anArchiveIsUnpackedOnceInTheStoreAndHandedOverAsADirectoryNamedAfterIt() throws IOException {
        ChildJvm.Exit first = probeWithAgent(HUB + "tiny.zip");

        ProbeOutput.Model model = ProbeOutput.single(first.stdout());
        Path unpacked = model.basePath();
        assertThat(unpacked).as("the folder DJL was handed").startsWith(store.resolve("unpacked"))
                .isDirectory().hasFileName("tiny");
        assertThat(model.name()).as("DJL's model name: the archive's base name").isEqualTo("tiny");
        assertThat(model.repositoryClass()).isEqualTo("SimpleRepository");
        assertThat(model.directory()).as("where DJL reads the model: the store, not a copy in DJL's cache")
                .isEqualTo(unpacked);
        assertThat(model.files()).containsExactlyInAnyOrderElementsOf(archived.keySet());
        Object fileKey = fileKey(unpacked.resolve("tiny-0000.params"));

        ChildJvm.Exit second = probeWithAgent(HUB + "tiny.zip");

        assertThat(ProbeOutput.single(second.stdout()).basePath()).isEqualTo(unpacked);
        assertThat(fileKey(unpacked.resolve("tiny-0000.params"))).as("the unpacked file is the first run's")
                .isEqualTo(fileKey);
        try (Stream<Path> keys = Files.list(store.resolve("unpacked"))) {
            assertThat(keys.toList()).as("folders under <store>/unpacked").hasSize(1);
        }
        assertThat(work.resolve("djl-cache")).as("DJL's own cache: nothing copied there")
                .satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(filesUnder(p)).isEmpty());
    }

    @Test
    void aCommaListInOptModelUrlsIsRedirectedElementByElement() {
        ChildJvm.Exit exit = probeWithAgent("--criteria", HUB + "model.pt," + HUB + "tiny.zip");

        List<ProbeOutput.Model> models = ProbeOutput.models(exit.stdout());
        assertThat(models).extracting(ProbeOutput.Model::name).containsExactlyInAnyOrder("model.pt", "tiny");
        assertThat(models).allSatisfy(m -> assertThat(m.basePath()).startsWith(store));
        assertThat(exit.stderr()).contains("model-redirect: " + HUB + "model.pt -> hub/models--org--m/")
                .contains("model-redirect: " + HUB + "tiny.zip -> hub/models--org--m/");
    }

    @Test
    void theQueryStringIsKeptAsModelArgumentsAndAFolderGetsTheRepositoryNameAsModelName() {
        ChildJvm.Exit exit = probeWithAgent(HUB + "tiny.zip?model_name=renamed&translatorFactory=x.Y",
                "hf://org/m");

        List<ProbeOutput.Model> models = ProbeOutput.models(exit.stdout());
        assertThat(models).hasSize(2);
        assertThat(models.get(0).arguments()).as("the query, kept as DJL's model arguments")
                .isEqualTo("model_name=renamed&translatorFactory=x.Y");
        assertThat(models.get(0).name()).as("model_name from the query").isEqualTo("renamed");
        assertThat(models.get(0).basePath()).startsWith(store.resolve("unpacked"));
        assertThat(models.get(1).basePath()).as("the whole snapshot")
                .isEqualTo(RepoFolder.model(store, "org/m").snapshot(commit));
        assertThat(models.get(1).arguments()).isEqualTo("model_name=m");
        assertThat(models.get(1).name()).as("a snapshot folder is named by its commit; DJL gets the repository's name")
                .isEqualTo("m");
        assertThat(models.get(1).files()).containsExactlyInAnyOrder("config.json", "model.pt", "tiny.zip");
    }

    /**
     * Documents the difference the hook makes: DJL alone sends a HEAD for an http model URL on every run, even when
     * the model is in its cache, and finds no model when the server is down, even with {@code DJL_OFFLINE=true}.
     * With the agent: no request on the second run, and the model is there with the server down.
     */
    @Test
    void withoutTheAgentDjlAsksTheServerOnEveryRunAndFailsWhenItIsDownWithTheAgentItDoesNot() {
        String url = hub.endpoint() + "/org/m/resolve/main/tiny.zip";
        for (int run = 1; run <= 2; run++) {
            hub.clearRequests();
            ChildJvm.Exit alone = probeWithoutAgent(Map.of(), url);
            assertThat(alone.code()).as(alone.describe()).isZero();
            assertThat(ProbeOutput.single(alone.stdout()).repositoryClass()).isEqualTo("SimpleUrlRepository");
            assertThat(hub.requests("HEAD")).as("HEAD requests of DJL alone, run %d", run)
                    .filteredOn(seen -> seen.server().equals("hub")).hasSize(1);
        }
        assertThat(hub.contentGets()).as("DJL alone downloads nothing on its second run").isZero();

        ChildJvm.Exit first = probeWithAgent(url);
        assertThat(first.stderr()).as("a resolve URL on the endpoint is a Hub file")
                .contains("model-redirect: " + url + " -> hub/models--org--m/snapshots/" + commit + "/tiny.zip");
        hub.clearRequests();
        probeWithAgent(url);
        assertThat(hub.requests()).as("requests of the second run with the agent").isEmpty();

        stopTheHubNow();
        ChildJvm.Exit aloneOffline = probeWithoutAgent(Map.of("DJL_OFFLINE", "true"), url);
        assertThat(aloneOffline.code()).as("DJL alone with the server down and DJL_OFFLINE=true: "
                + aloneOffline.describe()).isNotZero();
        ChildJvm.Exit withAgent = probeWithAgent(url);
        assertThat(ProbeOutput.single(withAgent.stdout()).files()).containsExactlyInAnyOrderElementsOf(
                archived.keySet());
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static List<Path> filesUnder(Path folder) {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.filter(Files::isRegularFile).toList();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}

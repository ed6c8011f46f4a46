package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.ClassLoaderProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The djl-repository hook works whichever class loader loads DJL: the application's, a child {@code URLClassLoader}
 * (parent: the application loader, as in Spring Boot's nested jars), or an isolated one whose parent is the platform
 * loader (the hook's bridge must then be reached from the bootstrap loader).
 */
class ClassLoadersIT {
    private static final String URL = "https://huggingface.co/org/m/resolve/main/model.pt";

    private FakeHub hub;
    private String commit;

    @BeforeEach
    void serveAModel() throws IOException {
        hub = new FakeHub();
        commit = hub.model("org/m").lfs("model.pt", Content.synthetic(4096, 3)).commit();
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @ParameterizedTest(name = "DJL loaded by {0}")
    @CsvSource({
        "app, the application class loader",
        "child, a child URLClassLoader",
        "isolated, an isolated URLClassLoader under the platform loader"})
    void theRedirectWorksWhicheverClassLoaderLoadsDjl(String mode, String description) {
        Path work = Scratch.fresh("class-loaders/" + mode);
        Path store = work.resolve("store");
        List<String> args = new ArrayList<>(List.of(mode, URL));
        List<Path> classpath = new ArrayList<>();
        classpath.add(Djl.testClasses());
        if (mode.equals("app")) {
            classpath.addAll(Djl.jars(Djl.CURRENT));
        } else {
            Djl.jars(Djl.CURRENT).forEach(jar -> args.add(jar.toString()));
        }
        ChildJvm.Exit exit = ChildJvm.app(work, ClassLoaderProbe.class.getName(), args.toArray(String[]::new))
                .classpath(classpath).env("DJL_CACHE_DIR", work.resolve("djl-cache").toString())
                .jvmOption("-Dhttps.proxyHost=127.0.0.1").jvmOption("-Dhttps.proxyPort=9")
                .agent("store=" + store + ",endpoint=" + hub.endpoint()).run(Duration.ofMinutes(2));

        assertThat(exit.code()).as(exit.describe()).isZero();
        String loader = ProbeOutput.value(exit.stdout(), "loader");
        assertThat(loader).as("DJL's class loader: " + description).isEqualTo(switch (mode) {
            case "app" -> "app parent platform";
            case "child" -> "djl-child parent app";
            default -> "djl-isolated parent platform";
        });
        assertThat(ProbeOutput.value(exit.stdout(), "base")).as("the URL DJL was handed")
                .isEqualTo(RepoFolder.model(store, "org/m").snapshotFile(commit, "model.pt").toUri().toString());
        assertThat(exit.stderr()).doesNotContain("cannot reach").doesNotContain("failed");
    }
}

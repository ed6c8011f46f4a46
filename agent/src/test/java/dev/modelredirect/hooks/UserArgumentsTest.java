package dev.modelredirect.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.config.Config;
import dev.modelredirect.config.ConfigLoader;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.File;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserArgumentsTest {
    private static final String PATH_LINE = "a.B#m(java.lang.String) arg0 path";
    private static final String SOURCE_LINE = "a.B#m(java.lang.String) arg0 source";

    @TempDir
    Path dir;

    FakeHub hub;
    String commit;
    Content model = Content.of("onnx bytes");

    @BeforeEach
    void serve() throws Exception {
        hub = new FakeHub();
        commit = hub.model("org/m").file("model.onnx", model, false).commit();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private Redirector redirector(String... keyValues) {
        Map<String, String> keys = new HashMap<>(Map.of("store", dir.resolve("store").toString(), "endpoint",
                hub.endpoint()));
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        Config config = ConfigLoader.load(keys, "test", new Properties(), Map.of(), dir, dir, "Linux");
        return new Redirector(config, Set.of(HookCatalog.USER));
    }

    private Path stored() {
        return dir.resolve("store/hub/models--org--m/snapshots/" + commit + "/model.onnx");
    }

    private static Object rewrite(Redirector redirector, String line, Object value) {
        return redirector.apply("userArgument", new Object[] {line, value});
    }

    @Test
    void aStringSourceBecomesTheStoresPathForAPathLineAndItsFileUrlForASourceLine() {
        Redirector redirector = redirector();
        String url = hub.endpoint() + "/org/m/resolve/main/model.onnx";
        assertThat(rewrite(redirector, PATH_LINE, url)).isEqualTo(stored().toString());
        assertThat(rewrite(redirector, SOURCE_LINE, "hf://org/m/model.onnx")).isEqualTo(stored().toUri().toString());
        assertThat(rewrite(redirector, PATH_LINE, " " + hub.endpoint() + "/org/m/raw/main/model.onnx "))
                .isEqualTo(stored().toString());
    }

    @Test
    void aTypedArgumentGetsTheStoresFileAsItsOwnType() throws Exception {
        Redirector redirector = redirector();
        String url = hub.endpoint() + "/org/m/resolve/main/model.onnx";
        assertThat(rewrite(redirector, PATH_LINE, URI.create(url))).isEqualTo(stored().toUri());
        assertThat(rewrite(redirector, PATH_LINE, URI.create(url).toURL())).isEqualTo(stored().toUri().toURL())
                .isInstanceOf(URL.class);
    }

    @Test
    void aLocalPathUnderPathsIsImportedAndAnyOtherValueIsPassedOnAsItIs() throws Exception {
        Path legacy = Files.createDirectories(dir.resolve("legacy"));
        Path old = Files.writeString(legacy.resolve("m.onnx"), "old model");
        Redirector redirector = redirector("paths", legacy + "=>imported");
        Path target = dir.resolve("store/imported/m.onnx");
        assertThat(rewrite(redirector, PATH_LINE, old.toString())).isEqualTo(target.toString());
        assertThat(rewrite(redirector, PATH_LINE, old)).isEqualTo(target);
        assertThat(rewrite(redirector, PATH_LINE, old.toFile())).isEqualTo(target.toFile()).isInstanceOf(File.class);
        assertThat(rewrite(redirector, SOURCE_LINE, old.toUri().toString())).isEqualTo(target.toUri().toString());
        assertThat(Files.readString(target)).isEqualTo("old model");
        assertThat(Files.readString(old)).isEqualTo("old model");

        String elsewhere = dir.resolve("elsewhere.onnx").toString();
        assertThat(rewrite(redirector, PATH_LINE, elsewhere)).isSameAs(elsewhere);
        String classpath = "classpath:model.onnx";
        assertThat(rewrite(redirector, PATH_LINE, classpath)).isSameAs(classpath);
        assertThat(rewrite(redirector, PATH_LINE, null)).isNull();
        Integer number = 7;
        assertThat(rewrite(redirector, PATH_LINE, number)).isSameAs(number);
        assertThat(hub.requests()).isEmpty();
    }

    @Test
    void anOfflineMissFailsNamingTheSourceAndTheLineAndOpensNoConnection() {
        Redirector redirector = redirector("offline", "true");
        String url = hub.endpoint() + "/org/m/resolve/main/model.onnx";
        assertThatThrownBy(() -> rewrite(redirector, PATH_LINE, url)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(url).hasMessageContaining(PATH_LINE).hasMessageContaining("pull");
        assertThat(hub.requests()).isEmpty();
    }
}

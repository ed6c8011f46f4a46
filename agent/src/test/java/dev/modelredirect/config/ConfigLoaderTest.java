package dev.modelredirect.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.log.Log;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path home;

    Path work = Path.of("/work/project");
    Properties props = new Properties();
    Map<String, String> env = new HashMap<>();

    private Config load(Map<String, String> explicit) {
        return ConfigLoader.load(explicit, "agent argument", props, env, work, home, "Linux");
    }

    @Test
    void defaultsFollowTheSpec() {
        Config config = load(Map.of());
        assertThat(config.store()).isEqualTo(work.resolve("models"));
        assertThat(config.lockfile()).isEqualTo(work.resolve("models/models.lock"));
        assertThat(config.endpoint()).isEqualTo("https://huggingface.co");
        assertThat(config.offline()).isFalse();
        assertThat(config.hooks()).isNull();
        assertThat(config.engines()).isTrue();
        assertThat(config.strict()).isFalse();
        assertThat(config.log()).isEqualTo(Log.Level.INFO);
        assertThat(config.token()).isEmpty();
        assertThat(config.problems()).isEmpty();
    }

    @Test
    void theAgentArgumentWinsOverThePropertyWhichWinsOverTheEnvironment() {
        env.put("MODEL_REDIRECT_STORE", "/from/env");
        props.setProperty("model.redirect.store", "/from/property");
        assertThat(load(Map.of()).store()).isEqualTo(Path.of("/from/property"));
        assertThat(load(Map.of("store", "/from/arg")).store()).isEqualTo(Path.of("/from/arg"));
        props.clear();
        assertThat(load(Map.of()).store()).isEqualTo(Path.of("/from/env"));
    }

    @Test
    void sharedMeansThePerUserDataDirectory() {
        assertThat(load(Map.of("store", "shared")).store())
                .isEqualTo(home.resolve(".local/share/model-redirect"));
        env.put("XDG_DATA_HOME", "/xdg");
        assertThat(load(Map.of("store", "shared")).store()).isEqualTo(Path.of("/xdg/model-redirect"));
        assertThat(ConfigLoader.load(Map.of("store", "shared"), "x", props, env, work, home, "Mac OS X").store())
                .isEqualTo(home.resolve("Library/Application Support/model-redirect"));
    }

    @Test
    void homeIsTheHomeVariableWhenItIsAnAbsolutePathElseTheJvmsUserHome() {
        assertThat(ConfigLoader.home("/srv/home/ann")).isEqualTo(Path.of("/srv/home/ann"));
        assertThat(ConfigLoader.home("relative")).isEqualTo(Path.of(System.getProperty("user.home")));
        assertThat(ConfigLoader.home(null)).isEqualTo(Path.of(System.getProperty("user.home")));
    }

    @Test
    void offlineFollowsTheHubAndDjlVariables() {
        env.put("HF_HUB_OFFLINE", "1");
        assertThat(load(Map.of()).offline()).isTrue();
        env.clear();
        env.put("DJL_OFFLINE", "true");
        assertThat(load(Map.of()).offline()).isTrue();
        assertThat(load(Map.of("offline", "false")).offline()).isFalse();
    }

    @Test
    void theTokenComesFromTheKeyThenHfTokenThenTheTokenFile() throws Exception {
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_file\n");
        assertThat(load(Map.of()).token().orElseThrow().reveal()).isEqualTo("hf_file");
        env.put("HF_TOKEN", "hf_env");
        assertThat(load(Map.of()).token().orElseThrow().reveal()).isEqualTo("hf_env");
        Config config = load(Map.of("token", "hf_key"));
        assertThat(config.token().orElseThrow().reveal()).isEqualTo("hf_key");
        assertThat(config.toString()).doesNotContain("hf_key");
        assertThat(config.token().orElseThrow().toString()).doesNotContain("hf_key");
    }

    @Test
    void endpointComesFromHfEndpointWithoutTrailingSlash() {
        env.put("HF_ENDPOINT", "http://mirror.local:8080/");
        assertThat(load(Map.of()).endpoint()).isEqualTo("http://mirror.local:8080");
    }

    @Test
    void badValuesAndUnknownKeysGiveOneLineEachAndTheDefault() {
        props.setProperty("model.redirect.colour", "blue");
        env.put("MODEL_REDIRECT_FOO", "1");
        Config config = load(Map.of("offline", "maybe", "endpoint", "ftp://x", "log", "loud", "hooks",
                "djl-cache,nope", "bogus", "1"));
        assertThat(config.offline()).isFalse();
        assertThat(config.endpoint()).isEqualTo("https://huggingface.co");
        assertThat(config.log()).isEqualTo(Log.Level.INFO);
        assertThat(config.hooks()).containsExactly("djl-cache");
        assertThat(config.problems()).hasSize(7).allSatisfy(line -> assertThat(line).doesNotContain("\n"));
        assertThat(config.problems()).anySatisfy(l -> assertThat(l).contains("'maybe'").contains("offline")
                .contains("expected true or false").contains("using false"));
        assertThat(config.problems()).anySatisfy(l -> assertThat(l).contains("unknown key 'bogus'"));
        assertThat(config.problems()).anySatisfy(l -> assertThat(l).contains("model.redirect.colour"));
        assertThat(config.problems()).anySatisfy(l -> assertThat(l).contains("MODEL_REDIRECT_FOO"));
        assertThat(config.problems()).anySatisfy(l -> assertThat(l).contains("unknown hook 'nope'"));
    }

    @Test
    void agentArgumentsKeepCommaListsOfHooks() {
        List<String> problems = new ArrayList<>();
        Map<String, String> args = ConfigLoader.parseAgentArgs(
                "store=/srv/models,hooks=djl-cache,hf-tokenizer,offline=true", problems);
        assertThat(args).containsEntry("store", "/srv/models").containsEntry("hooks", "djl-cache,hf-tokenizer")
                .containsEntry("offline", "true");
        assertThat(problems).isEmpty();
        ConfigLoader.parseAgentArgs("nonsense", problems);
        assertThat(problems).singleElement().asString().contains("KEY=VALUE");
    }

    @Test
    void pathsMapPrefixesIntoTheStoreAndRefuseEscapes() {
        Config config = load(Map.of("paths", "~/legacy=>legacy;/opt/m=>../../etc;bad"));
        assertThat(config.paths()).containsExactly(new PathMapping(home.resolve("legacy"), Path.of("legacy")));
        assertThat(config.problems()).hasSize(2);
    }

    @Test
    void hooksNamingOnlyUnknownHooksFallBackToAll() {
        Config config = load(Map.of("hooks", "typo"));
        assertThat(config.hooks()).isNull();
        assertThat(config.problems()).anySatisfy(l -> assertThat(l).contains("unknown hook 'typo'"))
                .anySatisfy(l -> assertThat(l).contains("using all"));
    }

    @Test
    void everyHookTheSpecNamesIsAcceptedByName() {
        Config config = load(Map.of("hooks", "djl-repository,djl-cache,hf-tokenizer,djl-zoo,paths,spring-ai,user"));
        assertThat(config.problems()).isEmpty();
        assertThat(config.hooks()).containsExactlyInAnyOrder("djl-repository", "djl-cache", "hf-tokenizer", "djl-zoo",
                "paths", "spring-ai", "user");
    }

    @Test
    void hooksNoneInstallsNothing() {
        assertThat(load(Map.of("hooks", "none")).hooks()).isEmpty();
        assertThat(load(Map.of("hooks", "all")).hooks()).isNull();
    }

    @Test
    void hookFileIsAPathGivenUnderAnyOfItsThreeSpellings() {
        assertThat(load(Map.of()).hookFile()).isNull();
        assertThat(load(Map.of("hook-file", "hooks.txt")).hookFile()).isEqualTo(Path.of("/work/project/hooks.txt"));
        props.setProperty("model.redirect.hook-file", "/etc/hooks.txt");
        assertThat(load(Map.of()).hookFile()).isEqualTo(Path.of("/etc/hooks.txt"));
        props.clear();
        env.put("MODEL_REDIRECT_HOOK_FILE", "~/h.txt");
        Config config = load(Map.of());
        assertThat(config.hookFile()).isEqualTo(home.resolve("h.txt"));
        assertThat(config.problems()).isEmpty();
    }

    @Test
    void mirrorsAreReadAndABadEntryIsReportedAndSkipped() {
        Config config = load(Map.of("mirrors",
                "https://github.com/=>http://127.0.0.1:8080/github/;ftp://x=>http://y/;https://a.example/"));
        assertThat(config.mirrors()).containsExactly(
                new UrlMirror("https://github.com/", "http://127.0.0.1:8080/github/"));
        assertThat(config.problems()).hasSize(2).allMatch(line -> line.contains("key mirrors"));
        assertThat(load(Map.of()).mirrors()).isEmpty();
    }

    @Test
    void connectionsDefaultToFourAndABadCountIsReportedWithTheRange() {
        assertThat(load(Map.of()).network().connections()).isEqualTo(4);
        assertThat(load(Map.of("connections", "8")).network().connections()).isEqualTo(8);
        Config bad = load(Map.of("connections", "99"));
        assertThat(bad.network().connections()).isEqualTo(4);
        assertThat(bad.problems()).anySatisfy(p -> assertThat(p).contains("connections").contains("1 to 16"));
    }

    @Test
    void caFileComesFromTheKeyElseSslCertFileElseRequestsCaBundle() throws Exception {
        Path key = java.nio.file.Files.createTempFile("key", ".pem");
        Path ssl = java.nio.file.Files.createTempFile("ssl", ".pem");
        Path requests = java.nio.file.Files.createTempFile("req", ".pem");
        try {
            env.put("REQUESTS_CA_BUNDLE", requests.toString());
            assertThat(load(Map.of()).network().caFile()).contains(requests);
            env.put("SSL_CERT_FILE", ssl.toString());
            assertThat(load(Map.of()).network().caFile()).contains(ssl);
            props.setProperty("model.redirect.ca-file", key.toString());
            assertThat(load(Map.of()).network().caFile()).contains(key);
            assertThat(load(Map.of()).network().caFileOrigin()).contains("model.redirect.ca-file");
            Config missing = load(Map.of("ca-file", "/no/such.pem"));
            assertThat(missing.network().caFile()).isEmpty();
            assertThat(missing.problems()).anySatisfy(p -> assertThat(p).contains("/no/such.pem")
                    .contains("ca-file"));
        } finally {
            java.nio.file.Files.deleteIfExists(key);
            java.nio.file.Files.deleteIfExists(ssl);
            java.nio.file.Files.deleteIfExists(requests);
        }
    }

    @Test
    void proxyVariablesAreTakenFromTheEnvironmentButNeverPrinted() {
        env.put("HTTPS_PROXY", "http://user:topsecret@proxy:3128");
        env.put("no_proxy", "localhost");
        Config config = load(Map.of());
        assertThat(config.network().proxyVariables()).containsOnlyKeys("HTTPS_PROXY", "no_proxy");
        assertThat(config.toString()).doesNotContain("topsecret");
    }
}

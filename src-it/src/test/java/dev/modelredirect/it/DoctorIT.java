package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.RepositoryProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code doctor --classpath} through the real jar against real DJL jars: every hook applies to the current DJL, and on
 * DJL 0.8.0 it fails exactly the hooks the agent warns about when that application runs.
 */
class DoctorIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern HOOK_WARNING = Pattern.compile("hook (\\S+) does not fit");
    private static final Pattern FAIL_LINE = Pattern.compile("(?m)^FAIL (\\S+)");

    private static String joined(List<Path> classpath) {
        return classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void everyHookAppliesToTheCurrentDjlJars() {
        Path work = Scratch.fresh("doctor-current");
        ChildJvm.Exit exit = ChildJvm.cli(work, "doctor", "--store", work.resolve("store").toString(), "--offline",
                "--classpath", joined(Djl.classpath(Djl.CURRENT))).run(TIMEOUT);
        assertThat(exit.code()).as(exit.describe()).isZero();
        for (String hook : List.of("djl-repository", "djl-cache", "hf-tokenizer", "djl-call-home")) {
            assertThat(exit.stdout()).as(exit.describe()).containsPattern("(?m)^PASS " + hook + " +applies: ");
        }
        assertThat(exit.stdout()).contains("api-" + Djl.CURRENT + ".jar (version " + Djl.CURRENT + ")");
    }

    @Test
    void onDjl080ItFailsExactlyTheHooksTheAgentWarnsAboutAndExitsOne() {
        Path work = Scratch.fresh("doctor-old");
        List<Path> classpath = Djl.classpath(Djl.TOO_OLD);
        Set<String> warned = new TreeSet<>();
        try (FakeHub hub = new FakeHub()) {
            hub.model("org/m").lfs("model.pt", Content.synthetic(2048, 1));
            ChildJvm.Exit app = Djl.app(work, Djl.TOO_OLD, RepositoryProbe.class,
                    "https://huggingface.co/org/m/resolve/main/model.pt")
                    .agent("store=" + work.resolve("store") + ",endpoint=" + hub.endpoint()).run(TIMEOUT);
            assertThat(app.code()).as(app.describe()).isZero();
            Matcher matcher = HOOK_WARNING.matcher(app.stderr());
            while (matcher.find()) {
                warned.add(matcher.group(1));
            }
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        assertThat(warned).as("the agent warns about at least one hook on DJL " + Djl.TOO_OLD).isNotEmpty();

        ChildJvm.Exit doctor = ChildJvm.cli(work, "doctor", "--store", work.resolve("store").toString(),
                "--offline", "--classpath", joined(classpath)).run(TIMEOUT);
        assertThat(doctor.code()).as(doctor.describe()).isEqualTo(1);
        Set<String> failed = new TreeSet<>();
        Matcher matcher = FAIL_LINE.matcher(doctor.stdout());
        while (matcher.find()) {
            failed.add(matcher.group(1));
        }
        assertThat(failed).as(doctor.describe()).isEqualTo(warned);
        assertThat(doctor.stdout()).containsPattern("(?m)^PASS djl-repository +applies: ");
    }
}

package dev.modelredirect.hookfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeclaredHooksTest {
    @TempDir
    Path dir;

    @AfterEach
    void forget() {
        DeclaredHooks.use(List.of());
    }

    @Test
    void aFileIsKeptByClassInFileOrderAndItsMalformedLinesReported() throws Exception {
        Path file = Files.writeString(dir.resolve("hooks.txt"), "a.B#m(java.lang.String) arg0 path\n"
                + "oops\nc.D#<init>(java.io.File) arg0 path\na.B#n(java.net.URI) arg0 source\n");
        List<String> problems = DeclaredHooks.load(file);
        assertThat(problems).singleElement().asString().startsWith("hook-file " + file + " line 2: ");
        assertThat(DeclaredHooks.classes()).containsExactly("a/B", "c/D");
        assertThat(DeclaredHooks.forClass("a/B")).extracting(HookDeclaration::methodName).containsExactly("m", "n");
        assertThat(DeclaredHooks.forClass("x/Y")).isEmpty();
    }

    @Test
    void theFingerprintOfAClassChangesWithItsLinesOnly() throws Exception {
        DeclaredHooks.load(Files.writeString(dir.resolve("one.txt"), "a.B#m(java.lang.String) arg0 path\n"
                + "c.D#m(java.lang.String) arg0 path\n"));
        String before = DeclaredHooks.fingerprint("a/B");
        String other = DeclaredHooks.fingerprint("c/D");
        DeclaredHooks.load(Files.writeString(dir.resolve("two.txt"), "a.B#m(java.lang.String) arg0 source\n"
                + "c.D#m(java.lang.String) arg0 path\n"));
        assertThat(DeclaredHooks.fingerprint("a/B")).isNotEqualTo(before);
        assertThat(DeclaredHooks.fingerprint("c/D")).isEqualTo(other);
    }

    @Test
    void aMissingOrHugeFileIsOneProblemAndInstallsNothing() throws Exception {
        DeclaredHooks.load(Files.writeString(dir.resolve("ok.txt"), "a.B#m(java.lang.String) arg0 path\n"));
        assertThat(DeclaredHooks.load(dir.resolve("missing.txt"))).singleElement().asString()
                .contains("cannot read hook-file").contains("missing.txt").contains("no user hook is installed");
        assertThat(DeclaredHooks.classes()).isEmpty();
        Path huge = Files.write(dir.resolve("huge.txt"), new byte[(int) DeclaredHooks.MAX_BYTES + 1]);
        assertThat(DeclaredHooks.load(huge)).singleElement().asString().contains("is larger than");
        assertThat(DeclaredHooks.load(dir)).singleElement().asString().contains("cannot read hook-file");
    }
}

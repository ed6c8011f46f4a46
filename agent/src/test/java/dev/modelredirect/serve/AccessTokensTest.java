package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AccessTokens}: one token a line, re-read on change, failing closed, never printed. */
class AccessTokensTest {
    @TempDir
    Path temp;

    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream previous;

    @BeforeEach
    void captureTheLog() {
        previous = Log.output();
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreTheLog() {
        Log.setOutput(previous);
    }

    Path file(String text) throws IOException {
        return Files.writeString(temp.resolve("tokens"), text);
    }

    /** Writes new content with a later modification time, as an editor would. */
    void edit(Path file, String text, int seconds) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(seconds)));
    }

    @Test
    void onlyABearerHeaderWithATokenOfTheFileIsAccepted() throws IOException {
        AccessTokens tokens = AccessTokens.load(file("# team tokens\n  alpha-1  \n\nbeta-2\r\n"));
        assertThat(tokens.count()).isEqualTo(2);
        assertThat(tokens.accepts("Bearer alpha-1")).isTrue();
        assertThat(tokens.accepts("bearer beta-2")).isTrue();
        assertThat(tokens.accepts("Bearer alpha")).isFalse();
        assertThat(tokens.accepts("Bearer alpha-1x")).isFalse();
        assertThat(tokens.accepts("Bearer # team tokens")).isFalse();
        assertThat(tokens.accepts("Basic YWxwaGEtMQ==")).isFalse();
        assertThat(tokens.accepts("alpha-1")).isFalse();
        assertThat(tokens.accepts("Bearer ")).isFalse();
        assertThat(tokens.accepts(null)).isFalse();
    }

    @Test
    void anEditedFileAddsAndRevokesTokensOnTheNextRequest() throws IOException {
        Path file = file("alpha-1\nbeta-2\n");
        AccessTokens tokens = AccessTokens.load(file);
        assertThat(tokens.accepts("Bearer beta-2")).isTrue();
        edit(file, "alpha-1\ngamma-3\n", 5);
        assertThat(tokens.accepts("Bearer beta-2")).as("revoked").isFalse();
        assertThat(tokens.accepts("Bearer gamma-3")).as("added").isTrue();
        Path replacement = Files.writeString(temp.resolve("tokens.new"), "delta-4\n");
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(tokens.accepts("Bearer delta-4")).as("replaced by a rename").isTrue();
        assertThat(tokens.accepts("Bearer alpha-1")).isFalse();
    }

    @Test
    void aDeletedFileRefusesEveryoneUntilItIsBackWithOneWarning() throws IOException {
        Path file = file("alpha-1\n");
        AccessTokens tokens = AccessTokens.load(file);
        Files.delete(file);
        assertThat(tokens.accepts("Bearer alpha-1")).isFalse();
        assertThat(tokens.accepts("Bearer alpha-1")).isFalse();
        assertThat(log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("cannot be read"))).hasSize(1);
        edit(file, "alpha-1\n", 10);
        assertThat(tokens.accepts("Bearer alpha-1")).isTrue();
    }

    @Test
    void noTokenIsEverPrinted() throws IOException {
        Path file = file("secret-alpha-1\n");
        AccessTokens tokens = AccessTokens.load(file);
        edit(file, "secret-beta-2\n", 5);
        tokens.accepts("Bearer secret-beta-2");
        Files.delete(file);
        tokens.accepts("Bearer secret-gamma-3");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("tokens").doesNotContain("secret");
        assertThat(tokens.toString()).doesNotContain("secret");
    }

    @Test
    void aMissingFileCannotBeLoaded() {
        assertThatThrownBy(() -> AccessTokens.load(temp.resolve("absent"))).isInstanceOf(IOException.class);
    }
}

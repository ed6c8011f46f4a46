package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.testing.Content;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestsTest {
    @TempDir
    Path dir;

    Content content = Content.synthetic(70_000, 12);

    private Hashing.Digests digests() throws IOException {
        return Hashing.digestsOf(Files.write(dir.resolve("f"), content.bytes()));
    }

    @Test
    void oneReadGivesBothTheSha256AndTheGitBlobSha1() throws IOException {
        Hashing.Digests digests = digests();
        assertThat(digests.sha256()).isEqualTo(content.sha256());
        assertThat(digests.gitSha1()).isEqualTo(content.gitSha1());
        assertThat(digests.size()).isEqualTo(70_000);
    }

    @Test
    void aBlobNamedByEitherHashPassesAndAnyOtherNameIsExplained() throws IOException {
        Hashing.Digests digests = digests();
        assertThat(Digests.blobProblem(content.sha256(), digests)).isNull();
        assertThat(Digests.blobProblem(content.gitSha1().toUpperCase(), digests)).isNull();
        assertThat(Digests.blobProblem("0".repeat(64), digests)).isEqualTo("its bytes do not match its name (sha256 "
                + content.sha256() + "): it is corrupted");
        assertThat(Digests.blobProblem("0".repeat(40), digests)).startsWith("its bytes do not match its name "
                + "(git blob sha1 " + content.gitSha1());
        assertThat(Digests.blobProblem("model.bin", digests)).contains("cannot be verified");
    }
}

package dev.modelredirect.carry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import org.junit.jupiter.api.Test;

class RepoFoldersTest {
    @Test
    void modelAndDatasetFoldersGiveTheirRepository() {
        assertThat(RepoFolders.parse("models--org--tiny")).isEqualTo(new RepoId(RepoType.MODEL, "org", "tiny"));
        assertThat(RepoFolders.parse("datasets--org--data.v2"))
                .isEqualTo(new RepoId(RepoType.DATASET, "org", "data.v2"));
        assertThat(RepoFolders.looksLikeRepo("spaces--org--app")).isTrue();
        assertThat(RepoFolders.looksLikeRepo(".locks")).isFalse();
    }

    @Test
    void foldersThatCannotBeNamedAsHfSourcesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RepoFolders.parse("models--gpt2")).hasMessageContaining("without an organisation");
        assertThatThrownBy(() -> RepoFolders.parse("models--a--b--c")).hasMessageContaining("without an organisation");
        assertThatThrownBy(() -> RepoFolders.parse("models--..--x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RepoFolders.parse("version.txt")).hasMessageContaining("not a repository folder");
    }
}

package dev.modelredirect.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RepoIdTest {
    @Test
    void modelAndDatasetFoldersGiveTheirRepository() {
        assertThat(RepoId.fromCacheFolder("models--org--tiny")).isEqualTo(new RepoId(RepoType.MODEL, "org", "tiny"));
        assertThat(RepoId.fromCacheFolder("datasets--org--data.v2"))
                .isEqualTo(new RepoId(RepoType.DATASET, "org", "data.v2"));
        assertThat(RepoId.isCacheFolderName("spaces--org--app")).isTrue();
        assertThat(RepoId.isCacheFolderName(".locks")).isFalse();
    }

    @Test
    void aCacheFolderNameReadsBackAsTheRepositoryThatNamedIt() {
        RepoId repo = new RepoId(RepoType.DATASET, "org", "name_1.x");
        assertThat(RepoId.fromCacheFolder(repo.cacheFolder())).isEqualTo(repo);
    }

    @Test
    void foldersThatCannotBeNamedAsHfSourcesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RepoId.fromCacheFolder("models--gpt2")).hasMessageContaining("without an organisation");
        assertThatThrownBy(() -> RepoId.fromCacheFolder("models--a--b--c"))
                .hasMessageContaining("without an organisation");
        assertThatThrownBy(() -> RepoId.fromCacheFolder("models--..--x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RepoId.fromCacheFolder("version.txt")).hasMessageContaining("not a repository folder");
    }
}

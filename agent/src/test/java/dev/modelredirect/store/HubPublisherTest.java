package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.fetch.Hashing;
import dev.modelredirect.hub.RepoId;
import dev.modelredirect.hub.RepoType;
import dev.modelredirect.testing.TestStores;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubPublisherTest {
    @TempDir
    Path dir;

    RepoId repo = new RepoId(RepoType.MODEL, "me", "model");

    private Path folder() throws Exception {
        Path folder = dir.resolve("files");
        Files.createDirectories(folder.resolve("sub"));
        Files.writeString(folder.resolve("README.md"), "# my model\n");
        Files.write(folder.resolve("sub/weights.params"), new byte[] {1, 2, 3, 4});
        return folder;
    }

    @Test
    void aPublishedFolderIsAHitInTheHubLayoutWithoutAnyServer() throws Exception {
        Path store = dir.resolve("store");
        String commit = HubPublisher.publish(store.resolve("hub"), repo, "main", folder());
        Path repoDir = store.resolve("hub/models--me--model");
        assertThat(Files.readString(repoDir.resolve("refs/main"))).isEqualTo(commit);
        Path weights = repoDir.resolve("snapshots/" + commit + "/sub/weights.params");
        String sha256 = Hashing.sha256Of(weights);
        assertThat(Files.readSymbolicLink(weights).toString()).isEqualTo("../../../blobs/" + sha256);
        Path readme = repoDir.resolve("snapshots/" + commit + "/README.md");
        assertThat(Files.readSymbolicLink(readme).toString()).isEqualTo("../../blobs/" + Hashing.gitSha1Of(readme));
        try (ModelStore offline = TestStores.offline(store, "http://127.0.0.1:1")) {
            Resolution resolution = offline.resolve("hf://me/model");
            assertThat(resolution.hit()).isTrue();
            assertThat(resolution.path()).isEqualTo(repoDir.resolve("snapshots/" + commit));
        }
    }

    @Test
    void theSameFilesGiveTheSameCommit() throws Exception {
        Path folder = folder();
        String first = HubPublisher.publish(dir.resolve("a"), repo, "main", folder);
        String second = HubPublisher.publish(dir.resolve("b"), repo, "main", folder);
        assertThat(first).isEqualTo(second).matches("[0-9a-f]{40}");
        Files.writeString(folder.resolve("README.md"), "changed\n");
        assertThat(HubPublisher.publish(dir.resolve("c"), repo, "main", folder)).isNotEqualTo(first);
    }

    @Test
    void aMissingFolderIsAClearError() {
        assertThatThrownBy(() -> HubPublisher.publish(dir.resolve("s"), repo, "main", dir.resolve("nope")))
                .isInstanceOf(StoreException.class).hasMessageContaining("not a folder");
    }
}

package dev.modelredirect.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.fetch.AuthPolicy;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubClientTest {
    FakeHub hub;
    Http http;
    HubClient client;
    Content weights = Content.synthetic(5000, 1);
    RepoId tiny = new RepoId(RepoType.MODEL, "org", "tiny");

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        hub.model("org/tiny").file("config.json", "{}").lfs("w/model.bin", weights);
        http = new Http(new AuthPolicy(hub.endpoint(), Optional.empty()), TestStores.FAST_RETRY);
        client = new HubClient(http, hub.endpoint(), false, SafePaths::isSafe);
    }

    @AfterEach
    void tearDown() {
        http.close();
        hub.close();
    }

    @Test
    void theHeadOfAnLfsFileGivesCommitLinkedEtagLinkedSizeAndTheCdnLocation() throws Exception {
        HubFile file = client.head(tiny, "main", "w/model.bin");
        assertThat(file.commit()).isEqualTo(hub.model("org/tiny").commit());
        assertThat(file.etag()).isEqualTo(weights.sha256());
        assertThat(file.size()).isEqualTo(5000);
        assertThat(file.location().port()).isEqualTo(hub.cdnPort());
        assertThat(hub.requests()).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("HEAD");
            assertThat(r.header("Accept-Encoding")).isEqualTo("identity");
        });
    }

    @Test
    void theHeadOfASmallFileGivesItsGitEtagAndContentLength() throws Exception {
        HubFile file = client.head(tiny, "main", "config.json");
        assertThat(file.etag()).isEqualTo(Content.of("{}").gitSha1());
        assertThat(file.size()).isEqualTo(2);
        assertThat(file.location().encodedPath()).isEqualTo("/org/tiny/resolve/main/config.json");
    }

    @Test
    void revisionsWithSlashesAreEncodedInOneSegment() {
        assertThat(client.resolveUrl(tiny, "refs/pr/1", "a b/c.txt").encodedPath())
                .isEqualTo("/org/tiny/resolve/refs%2Fpr%2F1/a%20b/c.txt");
    }

    @Test
    void theTreeIsReadAcrossPagesAndSkipsFolders() throws Exception {
        hub.treePageSize(1);
        List<TreeEntry> tree = client.tree(tiny, hub.model("org/tiny").commit());
        assertThat(tree).extracting(TreeEntry::path).containsExactlyInAnyOrder("config.json", "w/model.bin");
        assertThat(tree).filteredOn(e -> e.path().equals("w/model.bin")).singleElement()
                .satisfies(e -> assertThat(e.etag()).isEqualTo(weights.sha256()));
    }

    @Test
    void refusalsAreMappedToKindsWithAdvice() {
        assertThatThrownBy(() -> client.head(new RepoId(RepoType.MODEL, "no", "such"), "main", "x"))
                .isInstanceOfSatisfying(HubException.class,
                        e -> assertThat(e.kind()).isEqualTo(HubException.Kind.REPO_NOT_FOUND));
        assertThatThrownBy(() -> client.head(tiny, "nope", "config.json"))
                .isInstanceOfSatisfying(HubException.class,
                        e -> assertThat(e.kind()).isEqualTo(HubException.Kind.REVISION_NOT_FOUND));
        assertThatThrownBy(() -> client.head(tiny, "main", "missing.txt"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.kind()).isEqualTo(HubException.Kind.ENTRY_NOT_FOUND);
                    assertThat(e.commit()).isEqualTo(hub.model("org/tiny").commit());
                });
    }

    @Test
    void aServerThatIsNotAHubIsNamedAsSuch() throws Exception {
        try (MockWebServer plain = new MockWebServer()) {
            plain.start(InetAddress.getLoopbackAddress(), 0);
            plain.enqueue(new MockResponse.Builder().code(200).body("hello").build());
            String endpoint = plain.url("/").toString().replaceAll("/$", "");
            HubClient other = new HubClient(http, endpoint, false, SafePaths::isSafe);
            assertThatThrownBy(() -> other.head(tiny, "main", "config.json"))
                    .hasMessageContaining("X-Repo-Commit").hasMessageContaining("endpoint key");
        }
    }

    @Test
    void etagsAreNormalised() {
        assertThat(HubClient.normalizeEtag("W/\"abc\"")).isEqualTo("abc");
        assertThat(HubClient.normalizeEtag("\"abc\"")).isEqualTo("abc");
        assertThat(HubClient.normalizeEtag(null)).isNull();
    }
}

package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link TreeRoute} through a {@link HubServer}: the tree API (folders, ids, pages) and paths-info. */
class TreeRouteTest extends ServedStore {
    @Test
    void theTreeApiListsFilesWithGitAndLfsIdsAndFoldersAndPagesWithALinkHeader() throws Exception {
        List<Map<String, Object>> root = array(send("GET", "/api/models/org/tiny/tree/main"));
        assertThat(paths(root)).containsExactly("config.json", "tokenizer", "weights");
        List<Map<String, Object>> all = array(send("GET", "/api/models/org/tiny/tree/main?recursive=true"));
        assertThat(paths(all)).containsExactly("config.json", "tokenizer",
                "tokenizer/vocab.txt", "weights", "weights/model.bin");
        Map<String, Object> lfs = all.get(4);
        assertThat(lfs.get("type")).isEqualTo("file");
        assertThat(lfs.get("size")).isEqualTo(300_000L);
        assertThat(lfs.get("oid")).as("the git blob id the Hub gave, in trees/COMMIT.json")
                .isEqualTo(FakeHub.sha1Hex("pointer " + weights.sha256()));
        assertThat(object(lfs.get("lfs"))).containsEntry("oid", weights.sha256()).containsEntry("size", 300_000L)
                .containsKey("pointerSize");
        Map<String, Object> small = all.get(0);
        assertThat(small.get("oid")).isEqualTo(Content.of(CONFIG).gitSha1());
        assertThat(small.containsKey("lfs")).isFalse();
        assertThat(all.get(1).get("type")).isEqualTo("directory");

        List<Map<String, Object>> sub = array(send("GET", "/api/models/org/tiny/tree/" + commit + "/weights"));
        assertThat(paths(sub)).containsExactly("weights/model.bin");
        assertThat(header(send("GET", "/api/models/org/tiny/tree/main/nope"), "X-Error-Code"))
                .isEqualTo("EntryNotFound");

        Path trees = store.resolve("hub/models--org--tiny/trees");
        try (var files = Files.list(trees)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Map<String, Object> computed = array(send("GET", "/api/models/org/tiny/tree/main/weights")).get(0);
        assertThat(computed.get("oid")).as("without trees/COMMIT.json: the git blob id of the LFS pointer")
                .isEqualTo(pointerOid(weights));
        assertThat(object(computed.get("lfs")).get("pointerSize")).isEqualTo((long) ("version "
                + "https://git-lfs.github.com/spec/v1\noid sha256:" + weights.sha256() + "\nsize 300000\n").length());

        server.close();
        server = HubServer.start(HubServer.Options.loopback(store).withPageSize(2));
        List<Object> paged = new ArrayList<>();
        String next = server.url() + "/api/models/org/tiny/tree/main?recursive=true";
        int pages = 0;
        while (next != null) {
            HttpResponse<byte[]> page = http.send(HttpRequest.newBuilder(URI.create(next)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            paged.addAll(array(page));
            pages++;
            String link = header(page, "Link");
            next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
            if (link != null) {
                assertThat(link).startsWith("<http://").endsWith(">; rel=\"next\"");
            }
        }
        assertThat(pages).isEqualTo(3);
        assertThat(paths(paged.stream().map(ServedStore::object).toList())).isEqualTo(paths(all));
    }

    @Test
    void pathsInfoAnswersJsonAndFormRequestsWithTheLastCommit() throws Exception {
        HttpResponse<byte[]> json = post("/api/models/org/tiny/paths-info/main", "application/json",
                "{\"paths\":[\"weights/model.bin\",\"nope\",\"tokenizer\"],\"expand\":true}");
        assertThat(json.statusCode()).isEqualTo(200);
        List<Map<String, Object>> entries = array(json);
        assertThat(paths(entries)).containsExactly("weights/model.bin",
                "tokenizer");
        Map<String, Object> file = entries.get(0);
        assertThat(object(file.get("lfs"))).containsEntry("oid", weights.sha256());
        assertThat(object(file.get("lastCommit"))).containsEntry("id", commit).containsKey("date");

        HttpResponse<byte[]> form = post("/api/models/org/tiny/paths-info/" + commit,
                "application/x-www-form-urlencoded", "paths=config.json&paths=tokenizer%2Fvocab.txt&expand=False");
        List<Map<String, Object>> formEntries = array(form);
        assertThat(paths(formEntries)).containsExactly("config.json",
                "tokenizer/vocab.txt");
        assertThat(formEntries.get(0).containsKey("lastCommit")).isFalse();
        assertThat(send("GET", "/api/models/org/tiny/paths-info/main").statusCode()).isEqualTo(405);
    }

}

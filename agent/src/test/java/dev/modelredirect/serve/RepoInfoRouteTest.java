package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.hub.GitObjects;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.TestStores;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RepoInfoRoute} through a {@link HubServer}: the repository API names the commit and every file. */
class RepoInfoRouteTest extends ServedStore {
    @Test
    void theRevisionApiNamesTheCommitAndEveryFile() throws Exception {
        HttpResponse<byte[]> response = send("GET", "/api/models/org/tiny/revision/main?expand=sha");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> info = Json.parseObject(text(response));
        assertThat(info).containsEntry("id", "org/tiny").containsEntry("sha", commit);
        assertThat(((List<?>) info.get("siblings")).stream().map(e -> object(e).get("rfilename")).toList())
                .containsExactly("config.json", "tokenizer/vocab.txt", "weights/model.bin");
        assertThat(Json.parseObject(text(send("GET", "/api/models/org/tiny")))).containsEntry("sha", commit);
        assertThat(Json.parseObject(text(send("GET", "/api/datasets/org/data/revision/main"))))
                .containsEntry("id", "org/data");
        assertThat(header(send("GET", "/api/models/org/tiny/revision/nope"), "X-Error-Code"))
                .isEqualTo("RevisionNotFound");
    }
}

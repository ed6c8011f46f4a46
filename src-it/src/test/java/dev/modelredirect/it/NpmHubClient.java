package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.json.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm {@code @huggingface/hub} client pinned in {@code src-it/src/test/npm} (package.json and package-lock.json),
 * installed with {@code npm ci} into a scratch folder when that folder does not hold the pinned version yet, and run
 * through {@code snapshot.mjs}. Tests using it are skipped, saying why, when node or npm is missing.
 */
final class NpmHubClient {
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(2);

    private final Path node;
    private final Path folder;

    private NpmHubClient(Path node, Path folder) {
        this.node = node;
        this.folder = folder;
    }

    /** The client installed in the scratch folder {@code name}. */
    static NpmHubClient install(String name) throws IOException {
        Path node = onPath("node");
        Path npm = onPath("npm");
        Assumptions.assumeTrue(node != null && npm != null, "node and npm are needed to run the npm @huggingface/hub "
                + "client and are not on the PATH; install Node.js 20 or later");
        Path sources = Path.of(System.getProperty("npm.dir"));
        Path folder = Files.createDirectories(Scratch.root().resolve(name));
        for (String file : List.of("package.json", "package-lock.json", "snapshot.mjs")) {
            Files.copy(sources.resolve(file), folder.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!installedVersionMatches(sources, folder)) {
            ChildJvm.Exit install = ChildJvm.program(folder, npm.toString(), "ci", "--no-audit", "--no-fund")
                    .run(Duration.ofMinutes(5));
            assertThat(install.code()).as("npm ci in %s\n%s", folder, install.describe()).isZero();
        }
        return new NpmHubClient(node, folder);
    }

    /** {@code snapshotDownload} of {@code repo} from {@code endpoint} into {@code cacheDir}; the folder it returns. */
    Path snapshotDownload(Path work, String endpoint, String repo, Path cacheDir) {
        return snapshotDownload(work, endpoint, repo, cacheDir, null, null);
    }

    /**
     * The same with {@code token} as the client's access token (null for none), trusting the PEM file {@code caFile}
     * (NODE_EXTRA_CA_CERTS; null for none).
     */
    Path snapshotDownload(Path work, String endpoint, String repo, Path cacheDir, String token, Path caFile) {
        ChildJvm.Exit exit = run(work, endpoint, repo, cacheDir, token, caFile);
        assertThat(exit.code()).as("node snapshot.mjs\n%s", exit.describe()).isZero();
        Map<String, Object> printed = Json.parseObject(exit.stdout().strip());
        assertThat(printed.get("path")).as("path printed by snapshot.mjs: %s", exit.stdout()).isNotNull();
        return Path.of((String) printed.get("path")).toAbsolutePath().normalize();
    }

    /** Runs {@code snapshot.mjs}; its exit, whatever it is. */
    ChildJvm.Exit run(Path work, String endpoint, String repo, Path cacheDir, String token, Path caFile) {
        List<String> command = new java.util.ArrayList<>(List.of(node.toString(),
                folder.resolve("snapshot.mjs").toString(), "--endpoint", endpoint, "--repo", repo, "--cache-dir",
                cacheDir.toString()));
        if (token != null) {
            command.addAll(List.of("--token", token));
        }
        ChildJvm.Builder builder = ChildJvm.program(work, command.toArray(new String[0]));
        if (caFile != null) {
            builder.env("NODE_EXTRA_CA_CERTS", caFile.toString());
        }
        return builder.run(NODE_TIMEOUT);
    }

    private static boolean installedVersionMatches(Path sources, Path folder) throws IOException {
        Path installed = folder.resolve("node_modules/@huggingface/hub/package.json");
        if (!Files.isRegularFile(installed)) {
            return false;
        }
        Object wanted = ((Map<?, ?>) Json.parseObject(Files.readString(sources.resolve("package.json")))
                .get("dependencies")).get("@huggingface/hub");
        return Json.parseObject(Files.readString(installed)).get("version").equals(wanted);
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

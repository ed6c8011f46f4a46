package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelredirect.it.apps.RepositoryProbe;
import dev.modelredirect.testing.Content;
import dev.modelredirect.testing.FakeHub;
import dev.modelredirect.testing.ReadOnlyMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store on a really read-only file system (a read-only bind mount, as production containers mount models): every
 * hit is served and nothing is written or even attempted (the whole tree, with sizes and modification times, is the
 * same before and after, and {@code strace} sees no file opened for writing, created, renamed or removed under the
 * store); a miss fails at once, without a request, saying the store is read-only and how to pre-fill it.
 */
class ReadOnlyProductionIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String REPO = "hf://org/prod";

    private FakeHub hub;
    private Path work;
    private Path store;

    @BeforeEach
    void fillAStoreThenMountItReadOnly() throws IOException {
        hub = new FakeHub();
        hub.model("org/prod").file("config.json", "{\"prod\":true}").lfs("weights.bin", Content.synthetic(2 << 20, 3));
        hub.model("org/other").file("config.json", "{}");
        work = Scratch.fresh("read-only-production");
        store = work.resolve("store");
        ChildJvm.Exit fill = ChildJvm.run(TIMEOUT, work, "pull", REPO, REPO + "/weights.bin", "--store",
                store.toString(), "--endpoint", hub.endpoint());
        assertThat(fill.code()).as(fill.describe()).isZero();
        hub.clearRequests();
    }

    @AfterEach
    void stopTheHub() {
        hub.close();
    }

    @Test
    void hitsOnAReadOnlyMountWriteNothingAndAMissSaysHowToPreFillTheStore() throws Exception {
        try (ReadOnlyMount mount = ReadOnlyMount.of(store)) {
            Path ro = mount.path();
            Map<String, String> before = tree(store);
            List<String> writes = new ArrayList<>();

            ChildJvm.Exit which = traced(ChildJvm.cli(work, "which", REPO + "/weights.bin", "--store", ro.toString()),
                    "which", ro, writes);
            assertThat(which.code()).as(which.describe()).isZero();
            assertThat(which.stdout().strip()).startsWith(ro.toString());

            ChildJvm.Exit pull = traced(ChildJvm.cli(work, "pull", REPO, "--store", ro.toString(), "--endpoint",
                    hub.endpoint()), "pull", ro, writes);
            assertThat(pull.code()).as(pull.describe()).isZero();
            assertThat(pull.stdout()).contains("(hit)");

            ChildJvm.Exit app = traced(Djl.app(work, Djl.CURRENT, RepositoryProbe.class, REPO)
                    .agent("store=" + ro + ",endpoint=" + hub.endpoint()), "app", ro, writes);
            assertThat(app.code()).as(app.describe()).isZero();
            assertThat(app.stderr()).contains("model-redirect: store=" + ro + " ").contains("(hit)");
            assertThat(app.stdout()).contains("config.json").contains("weights.bin");

            assertThat(hub.requests()).as("requests for hits").isEmpty();
            assertThat(tree(store)).as("the store's tree after the hits").isEqualTo(before);
            assertThat(writes).as("write attempts under the read-only store seen by strace").isEmpty();

            ChildJvm.Exit miss = traced(ChildJvm.cli(work, "pull", "hf://org/other", "--store", ro.toString(),
                    "--endpoint", hub.endpoint()), "miss", ro, writes);
            assertThat(miss.code()).as(miss.describe()).isEqualTo(1);
            assertThat(miss.stderr()).as("the miss's message")
                    .startsWith("model-redirect: ").contains("read-only")
                    .contains("pull hf://org/other --store " + ro);
            ChildJvm.Exit appMiss = traced(Djl.app(work, Djl.CURRENT, RepositoryProbe.class, "hf://org/other")
                    .agent("store=" + ro + ",endpoint=" + hub.endpoint()), "app-miss", ro, writes);
            assertThat(appMiss.code()).as(appMiss.describe()).isNotZero();
            assertThat(appMiss.stderr()).contains("read-only").contains("pull hf://org/other --store " + ro);

            assertThat(hub.requests()).as("requests for misses of a read-only store").isEmpty();
            assertThat(tree(store)).as("the store's tree after the misses").isEqualTo(before);
            assertThat(writes).as("write attempts under the read-only store seen by strace").isEmpty();
        }
    }

    /**
     * Runs the child, under {@code strace} when it is installed, adding to {@code writes} the calls it made that would
     * change something under {@code ro}.
     */
    private ChildJvm.Exit traced(ChildJvm.Builder child, String name, Path ro, List<String> writes) {
        if (!Files.isExecutable(Path.of("/usr/bin/strace"))) {
            System.out.println("ReadOnlyProductionIT: strace is not installed (apt-get install strace); only the "
                    + "tree is compared, write attempts are not traced");
            return child.run(TIMEOUT);
        }
        Path trace = work.resolve(name + ".strace");
        ChildJvm.Exit exit = child.under(List.of("strace", "-f", "-qq", "-e", "trace=%file", "-o",
                trace.toString())).run(TIMEOUT);
        writes.addAll(writesUnder(trace, ro));
        return exit;
    }

    /**
     * Lines of a trace that create, open for writing, rename, remove, re-stamp or re-mode something under {@code ro},
     * or that failed with {@code EROFS} (a write the file system refused).
     */
    static List<String> writesUnder(Path trace, Path ro) {
        try {
            return Files.readAllLines(trace).stream()
                    .filter(line -> line.contains("\"" + ro))
                    // access(W_OK) is how a store learns it is read-only: a question, not a write
                    .filter(line -> !line.matches("^\\d+ +(access|faccessat2?)\\(.*"))
                    .filter(line -> line.contains("O_WRONLY") || line.contains("O_RDWR") || line.contains("O_CREAT")
                            || line.matches(".*\\b(mkdir|mkdirat|rename|renameat2?|unlink|unlinkat|rmdir|link|linkat|"
                                    + "symlink|symlinkat|utimensat|chmod|fchmodat|truncate|creat)\\(.*")
                            || line.contains("EROFS"))
                    .toList();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Every entry under {@code root}: type, size, modification time (links: their target). */
    static Map<String, String> tree(Path root) {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                BasicFileAttributes attributes = Files.readAttributes(p, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                String what = attributes.isSymbolicLink() ? "link -> " + Files.readSymbolicLink(p)
                        : (attributes.isDirectory() ? "dir " : "file ") + attributes.size() + " "
                                + attributes.lastModifiedTime().toMillis();
                entries.put(root.relativize(p).toString(), what);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return entries;
    }
}

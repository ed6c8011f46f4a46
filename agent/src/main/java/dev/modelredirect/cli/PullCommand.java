package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ConsoleProgress;
import dev.modelredirect.fetch.Http;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.FileFilter;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import java.io.IOException;
import java.io.PrintStream;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.Update;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code pull [SOURCE...] [--update] [--include GLOB] [--exclude GLOB]}: downloads sources into the store,
 * {@link #PARALLEL_SOURCES} at once with one progress display, printing one line per source in the order given; with
 * none, every source of the lock file (with the include/exclude patterns it records). {@code --update} moves branch,
 * tag and URL pins forward; {@code --include}/{@code --exclude} (repeatable) restrict whole repositories to some files.
 */
final class PullCommand extends StoreCommand {
    /** Sources pulled at once; each snapshot also fetches a few of its files at once. */
    static final int PARALLEL_SOURCES = 4;

    @Override
    public String name() {
        return "pull";
    }

    @Override
    public String summary() {
        return "download sources into the store (no SOURCE: everything in the lock file)";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar pull [SOURCE...] [--update] [--include GLOB] [--exclude GLOB]",
                "                                          [options]",
                "",
                "Downloads each SOURCE into the store, verified, and pins it in the lock file. A source already in",
                "the store is a hit: no connection is opened. Without SOURCE, pulls every source of the lock file",
                "at its pinned revision (as `npm ci` does), which is what a Docker build stage runs. Up to "
                        + PARALLEL_SOURCES + " sources",
                "download at once, with one progress bar on a terminal; the lines come out in the order given.",
                "",
                "  --include GLOB  (repeatable) of a whole repository, only files whose path matches one GLOB",
                "  --exclude GLOB  (repeatable) of a whole repository, no file whose path matches a GLOB",
                "              fnmatch patterns over the whole path as `hf download` takes them ('*.json', 'onnx/*',",
                "              'onnx/' for a folder); recorded in the lock file, so a later `pull` fetches the same",
                "              files.",
                "  --update    move pins forward: a branch or tag (hf://ORG/NAME@main, or no @REV) to the commit the",
                "              Hub names now, downloading only the files that changed; a URL is revalidated with",
                "              its ETag and Last-Modified and downloaded again only when the server has another",
                "              version. A source named at a full commit id stays. Prints OLD -> NEW or up to date.",
                "",
                "Sources:",
                "  hf://ORG/NAME[@REV]            a whole Hub repository (snapshot)",
                "  hf://ORG/NAME[@REV]/PATH       one file of it; hf://datasets/ORG/NAME... for datasets",
                "  https://huggingface.co/ORG/NAME/resolve/REV/PATH",
                "  https://any.host/path/file     any other URL",
                "  djl://GROUP/ARTIFACT[/VERSION] a model of DJL's model zoo, from djl-endpoint (metadata, files of",
                "                                 the version, and the group's index), kept in <store>/zoo",
                "",
                "Prints one line per source: SOURCE -> PATH (hit) or (downloaded SIZE in SECONDS).",
                "Exit code 0 when every source is in the store, 1 when one failed, 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    Set<String> flagOptions() {
        return Set.of("update");
    }

    @Override
    Set<String> valuedOptions() {
        return Set.of("include", "exclude");
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        Config config = StoreOptions.load(args, err);
        if (!config.offline()) {
            Http.preload();
        }
        boolean update = args.flag("update");
        FileFilter filter = args.values("include").isEmpty() && args.values("exclude").isEmpty() ? null
                : new FileFilter(args.values("include"), args.values("exclude"));
        List<Map<String, Object>> results = new ArrayList<>();
        int failures = 0;
        ConsoleProgress progress = ConsoleProgress.stderr();
        try (ModelStore store = ModelStore.open(config, progress)) {
            List<String> sources = new ArrayList<>(new LinkedHashSet<>(args.positional()));
            if (sources.isEmpty() && filter != null) {
                throw new UsageException("--include/--exclude need a SOURCE (a whole repository, hf://ORG/NAME); "
                        + "without one, pull fetches what the lock file records, patterns included");
            }
            if (sources.isEmpty()) {
                try {
                    sources.addAll(store.lockFile().all().keySet());
                } catch (IOException ex) {
                    err.println("model-redirect: " + ex.getMessage());
                    return 1;
                }
                if (sources.isEmpty()) {
                    err.println("model-redirect: nothing to pull: no SOURCE given and the lock file "
                            + store.lockFile().path() + " pins nothing. Name a source, e.g. "
                            + "`java -jar model-redirect.jar pull hf://ORG/NAME`");
                    return 1;
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_SOURCES, sources.size()), r -> {
                Thread thread = new Thread(r, "model-redirect-pull");
                thread.setDaemon(true);
                return thread;
            });
            try {
                List<Future<Map<String, Object>>> pending = new ArrayList<>();
                for (String source : sources) {
                    pending.add(pool.submit(() -> pullOne(store, source, update, filter)));
                }
                for (Future<Map<String, Object>> future : pending) {
                    Map<String, Object> result = await(future);
                    results.add(result);
                    progress.clear();
                    if (result.containsKey("error")) {
                        failures++;
                        err.println("model-redirect: pull failed: " + result.get("error"));
                    } else if (!args.flag("json")) {
                        out.println(result.remove("line"));
                    }
                    result.remove("line");
                }
            } finally {
                pool.shutdownNow();
            }
        }
        if (args.flag("json")) {
            out.print(Json.write(results));
        }
        return failures == 0 ? 0 : 1;
    }

    /** Pulls (or updates) one source; the result as JSON fields, plus its text line under {@code line}. */
    private static Map<String, Object> pullOne(ModelStore store, String source, boolean update,
            FileFilter filter) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("source", source);
        try {
            Update moved = !update ? null : filter == null ? store.update(source) : store.update(source, filter);
            Resolution resolution = update ? moved.resolution()
                    : filter == null ? store.resolve(source) : store.resolve(source, filter);
            result.put("path", resolution.path().toString());
            result.put("hit", resolution.hit());
            result.put("bytes", resolution.bytesDownloaded());
            result.put("seconds", Math.round(resolution.nanos() / 1e6) / 1e3);
            String line = resolution.describe().replace(" -> " + resolution.relativePath(),
                    " -> " + resolution.path());
            if (moved != null) {
                result.put("from", moved.from());
                result.put("to", moved.to());
                result.put("updated", moved.changed());
                line = source + " -> " + resolution.path() + " (" + updateOutcome(moved) + ")";
            }
            result.put("line", line);
        } catch (IOException | RuntimeException ex) {
            result.put("error", String.valueOf(ex.getMessage()));
        }
        return result;
    }

    /** {@code up to date at V}, {@code V1 -> V2, downloaded ...}, or {@code pinned at commit V, stays}. */
    static String updateOutcome(Update update) {
        Resolution resolution = update.resolution();
        String transfer = resolution.bytesDownloaded() > 0
                ? String.format(Locale.ROOT, ", downloaded %s in %.1fs", Sizes.human(resolution.bytesDownloaded()),
                        resolution.nanos() / 1e9)
                : "";
        if (update.fixed()) {
            return "pinned at commit " + shortId(update.to()) + ", stays" + transfer;
        }
        if (!update.changed()) {
            return "up to date at " + shortId(update.to()) + transfer;
        }
        if (update.from() == null) {
            return "new, at " + shortId(update.to()) + transfer;
        }
        return shortId(update.from()) + " -> " + shortId(update.to()) + transfer;
    }

    private static String shortId(String version) {
        return version == null ? "?" : version.length() > 12 ? version.substring(0, 12) : version;
    }

    private static Map<String, Object> await(Future<Map<String, Object>> future) {
        try {
            return future.get();
        } catch (ExecutionException ex) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("error", String.valueOf(ex.getCause()));
            return result;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("error", "interrupted");
            return result;
        }
    }
}

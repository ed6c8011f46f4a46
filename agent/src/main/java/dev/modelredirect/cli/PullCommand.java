package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ConsoleProgress;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Resolution;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code pull [SOURCE...]}: downloads sources into the store; with none, every source of the lock file. */
final class PullCommand extends StoreCommand {
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
                "Usage: java -jar model-redirect.jar pull [SOURCE...] [options]",
                "",
                "Downloads each SOURCE into the store, verified, and pins it in the lock file. A source already in",
                "the store is a hit: no connection is opened. Without SOURCE, pulls every source of the lock file",
                "at its pinned revision (as `npm ci` does), which is what a Docker build stage runs.",
                "",
                "Sources:",
                "  hf://ORG/NAME[@REV]            a whole Hub repository (snapshot)",
                "  hf://ORG/NAME[@REV]/PATH       one file of it; hf://datasets/ORG/NAME... for datasets",
                "  https://huggingface.co/ORG/NAME/resolve/REV/PATH",
                "  https://any.host/path/file     any other URL",
                "",
                "Prints one line per source: SOURCE -> PATH (hit) or (downloaded SIZE in SECONDS).",
                "Exit code 0 when every source is in the store, 1 when one failed, 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        Config config = StoreOptions.load(args, err);
        List<Map<String, Object>> results = new ArrayList<>();
        int failures = 0;
        try (ModelStore store = ModelStore.open(config, ConsoleProgress.stderr())) {
            List<String> sources = new ArrayList<>(args.positional());
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
            for (String source : sources) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("source", source);
                try {
                    Resolution resolution = store.resolve(source);
                    result.put("path", resolution.path().toString());
                    result.put("hit", resolution.hit());
                    result.put("bytes", resolution.bytesDownloaded());
                    result.put("seconds", Math.round(resolution.nanos() / 1e6) / 1e3);
                    if (!args.flag("json")) {
                        out.println(resolution.describe().replace(" -> " + resolution.relativePath(),
                                " -> " + resolution.path()));
                    }
                } catch (IOException | RuntimeException ex) {
                    failures++;
                    result.put("error", String.valueOf(ex.getMessage()));
                    err.println("model-redirect: pull failed: " + ex.getMessage());
                }
                results.add(result);
            }
        }
        if (args.flag("json")) {
            out.print(Json.write(results));
        }
        return failures == 0 ? 0 : 1;
    }
}

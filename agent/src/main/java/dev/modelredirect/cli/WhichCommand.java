package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code which SOURCE}: the local path of a source; never opens a connection; exit 1 when it is not in the store. */
final class WhichCommand extends StoreCommand {
    @Override
    public String name() {
        return "which";
    }

    @Override
    public String summary() {
        return "the local path a source resolves to (never connects)";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar which SOURCE [options]",
                "",
                "Prints the absolute local path SOURCE resolves to in the store: a file, or a folder for a whole",
                "repository. Never opens a connection and never writes. Exit code 1 when the store does not have",
                "SOURCE (then `pull SOURCE` fetches it), 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (args.positional().size() != 1) {
            throw new UsageException("'which' takes exactly one SOURCE, got " + args.positional().size());
        }
        String source = args.positional().get(0);
        Config config = StoreOptions.load(args, err);
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            Optional<Path> path = store.which(source);
            if (args.flag("json")) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("source", source);
                result.put("store", store.root().toString());
                result.put("path", path.map(Path::toString).orElse(null));
                out.print(Json.write(result));
            } else if (path.isPresent()) {
                out.println(path.get());
            }
            if (path.isEmpty()) {
                err.println("model-redirect: " + source + " is not in the store " + store.root()
                        + "; fetch it with `java -jar model-redirect.jar pull " + source + "`");
                return 1;
            }
            return 0;
        } catch (IOException ex) {
            err.println("model-redirect: which failed: " + ex.getMessage());
            return 1;
        }
    }
}

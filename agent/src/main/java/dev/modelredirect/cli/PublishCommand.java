package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.HubPublisher;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.Source;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code publish DIR hf://ORG/NAME[@REV]}: lays a local folder out as a Hub repository in the store. */
final class PublishCommand extends StoreCommand {
    @Override
    public String name() {
        return "publish";
    }

    @Override
    public String summary() {
        return "lay a local folder out as a Hub repository in the store (to serve it)";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar publish DIR hf://ORG/NAME[@REV] [options]",
                "",
                "Puts the files of DIR into the store's hub/ folder as repository ORG/NAME at revision REV (default",
                "main), in the Hub's cache layout, as if downloaded: then `serve` serves it to other machines and the",
                "Hub's own clients read it. The commit id is derived from the files, so the same files give the same",
                "commit. Prints the commit and the snapshot folder.",
                "",
                StoreOptions.HELP);
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (args.positional().size() != 2) {
            throw new UsageException("'publish' takes a folder and a repository, hf://ORG/NAME[@REV]");
        }
        Config config = StoreOptions.load(args, err);
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            Source source = store.parse(args.positional().get(1));
            if (!(source instanceof Source.Hub hub) || !hub.isSnapshot()) {
                throw new UsageException("'publish' needs a whole repository, hf://ORG/NAME[@REV], not "
                        + args.positional().get(1));
            }
            Path folder = Path.of(args.positional().get(0)).toAbsolutePath();
            String commit = HubPublisher.publish(store.root().resolve("hub"), hub.repo(), hub.revision(), folder);
            Path snapshot = store.root().resolve("hub").resolve(hub.repo().cacheFolder()).resolve("snapshots")
                    .resolve(commit);
            if (args.flag("json")) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("source", hub.spelled());
                result.put("commit", commit);
                result.put("path", snapshot.toString());
                out.print(Json.write(result));
            } else {
                out.println(hub.spelled() + " -> " + snapshot + " (commit " + commit + ")");
            }
            return 0;
        } catch (IOException ex) {
            err.println("model-redirect: publish failed: " + ex.getMessage());
            return 1;
        }
    }
}

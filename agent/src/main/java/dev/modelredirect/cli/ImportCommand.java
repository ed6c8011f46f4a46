package dev.modelredirect.cli;

import dev.modelredirect.carry.Importer;
import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** {@code import FILE.tar}: an archive written by {@code export}, verified whole before anything is visible. */
final class ImportCommand extends StoreCommand {
    @Override
    public String name() {
        return "import";
    }

    @Override
    public String summary() {
        return "bring a tar written by export into the store, verified before anything is visible";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar import FILE.tar [options]",
                "",
                "Reads FILE.tar (written by `export`) into a staging folder inside the store, checks every entry",
                "and every file's hash against the pins in the archive, then publishes it: files, snapshot links",
                "and refs, and last the pins, merged into the lock file. Archives with paths that could escape",
                "the store (../, absolute, links leading out, hard links to files outside the archive, devices),",
                "or with a file that fails its hash, are refused whole: the store stays exactly as it was.",
                "Never opens a connection.",
                "",
                "Exit code 0 when imported, 1 when refused (the message says why) or the store is read-only,",
                "2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (args.positional().size() != 1) {
            throw new UsageException("'import' takes exactly one FILE.tar, got " + args.positional().size());
        }
        Path archive = Path.of(args.positional().get(0));
        Config config = StoreOptions.load(args, err);
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            Importer.Result result = new Importer(store.root(), store.lockFile()).importArchive(archive);
            if (args.flag("json")) {
                Map<String, Object> json = result.toJson();
                json.put("archive", archive.toAbsolutePath().toString());
                json.put("store", store.root().toString());
                out.print(Json.write(json));
            } else {
                out.printf("imported %d file%s (%s) from %s into %s; %d already present%n", result.files(),
                        result.files() == 1 ? "" : "s", Sizes.human(result.bytes()), archive, store.root(),
                        result.alreadyPresent());
                for (String source : result.sources()) {
                    out.println("pinned " + source);
                }
                for (String source : result.unchanged()) {
                    out.println("already pinned " + source);
                }
            }
            return 0;
        } catch (IOException | IllegalArgumentException ex) {
            err.println("model-redirect: import failed: " + ex.getMessage());
            return 1;
        }
    }
}

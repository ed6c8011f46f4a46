package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.GarbageCollector;
import dev.modelredirect.store.StoreCleanup;
import dev.modelredirect.store.StoreInventory;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code gc}: removes abandoned temporary files and unreferenced blobs; says how much space came back. */
final class GcCommand extends StoreCommand {
    @Override
    public String name() {
        return "gc";
    }

    @Override
    public String summary() {
        return "remove temporary files and unreferenced blobs";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar gc [--dry-run] [options]",
                "",
                "Removes what no source needs: partial downloads (*.incomplete) whose process is gone (or, without",
                "an owner in their name, untouched for a minute), temporary files of atomic writes untouched for",
                "10 minutes, blobs no snapshot link or pin refers to, and unpacked folders of archives that are",
                "gone (after `rm` or `verify --repair`). Never removes a file a running download",
                "holds (its process is alive, or it holds the blob's lock); those are named as kept.",
                "Prints each removed path with its size, then the space that came back.",
                "",
                "  --dry-run   say what would be removed, remove nothing",
                "",
                "Exit code 0, 1 when the store is read-only (then nothing changes) or cannot be read, 2 for a wrong",
                "command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    Set<String> flagOptions() {
        return Set.of("dry-run");
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("'gc' takes no SOURCE, got " + args.positional().get(0)
                    + "; to remove a source use `rm SOURCE`");
        }
        boolean dryRun = args.flag("dry-run");
        Config config = StoreOptions.load(args, err);
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            StoreCleanup.Outcome outcome = new GarbageCollector(StoreInventory.of(store), dryRun)
                    .collect();
            if (args.flag("json")) {
                out.print(Json.write(json(store, outcome, dryRun)));
                return 0;
            }
            Table table = new Table("SIZE", "WHAT", dryRun ? "WOULD REMOVE" : "REMOVED").alignRight(0);
            for (StoreCleanup.Removed removed : outcome.removed()) {
                table.add(Sizes.human(removed.bytes()), removed.why(),
                        store.root().relativize(removed.path()).toString());
            }
            if (table.size() > 0) {
                out.print(table.render());
            }
            printKept(outcome, out);
            out.println((outcome.removed().isEmpty() ? "nothing to remove" : outcome.removed().size()
                    + (outcome.removed().size() == 1 ? " entry" : " entries")) + "; " + Sizes.human(outcome.bytes())
                    + (dryRun ? " would come back" : " came back") + " in " + store.root());
            return 0;
        } catch (IOException ex) {
            err.println("model-redirect: gc failed: " + ex.getMessage());
            return 1;
        }
    }

    static void printKept(StoreCleanup.Outcome outcome, PrintStream out) {
        for (String kept : outcome.kept()) {
            out.println("kept " + kept);
        }
    }

    static Map<String, Object> json(ModelStore store, StoreCleanup.Outcome outcome, boolean dryRun) {
        List<Object> removed = new ArrayList<>();
        for (StoreCleanup.Removed item : outcome.removed()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", item.path().toString());
            entry.put("bytes", item.bytes());
            entry.put("why", item.why());
            removed.add(entry);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("store", store.root().toString());
        result.put("dryRun", dryRun);
        result.put("removed", removed);
        result.put("kept", outcome.kept());
        result.put("bytes", outcome.bytes());
        return result;
    }
}

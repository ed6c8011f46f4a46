package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.StoreCleanup;
import dev.modelredirect.store.SourceRemover;
import dev.modelredirect.store.StoreInventory;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code rm SOURCE...}: removes sources, their pins, and the blobs nothing else uses. */
final class RmCommand extends StoreCommand {
    @Override
    public String name() {
        return "rm";
    }

    @Override
    public String summary() {
        return "remove a source and the blobs nothing else uses";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar rm SOURCE... [--dry-run] [options]",
                "",
                "Removes each SOURCE, spelled as `list` shows it (hf://ORG/NAME also finds hf://ORG/NAME@main):",
                "its pin in the lock file, its snapshot files that no other pin lists, the blobs nothing else refers",
                "to, and the unpacked folders of its archives; a repository or URL file that no pin names is removed",
                "whole. Says how much space came back. Never deletes a blob a running download holds.",
                "",
                "  --dry-run   say what would be removed, remove nothing",
                "",
                "Exit code 0 when every SOURCE was removed, 1 when one is unknown (close matches are named) or the",
                "store or lock file is read-only (then nothing changes), 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    Set<String> flagOptions() {
        return Set.of("dry-run");
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (args.positional().isEmpty()) {
            throw new UsageException("'rm' needs at least one SOURCE (see `list`)");
        }
        boolean dryRun = args.flag("dry-run");
        Config config = StoreOptions.load(args, err);
        List<Object> results = new ArrayList<>();
        int failures = 0;
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            StoreInventory inventory = StoreInventory.of(store);
            for (String source : args.positional()) {
                try {
                    StoreCleanup.Outcome outcome = new SourceRemover(inventory, config.endpoint(), dryRun)
                            .remove(source);
                    Map<String, Object> result = GcCommand.json(store, outcome, dryRun);
                    result.put("source", source);
                    results.add(result);
                    if (!args.flag("json")) {
                        GcCommand.printKept(outcome, out);
                        out.println((dryRun ? "would remove " : "removed ") + source + ": " + outcome.removed()
                                .size() + (outcome.removed().size() == 1 ? " entry, " : " entries, ")
                                + Sizes.human(outcome.bytes()) + (dryRun ? " would come back" : " came back"));
                    }
                } catch (IOException ex) {
                    failures++;
                    err.println("model-redirect: rm " + source + " failed: " + ex.getMessage());
                }
            }
        }
        if (args.flag("json")) {
            out.print(Json.write(results));
        }
        return failures == 0 ? 0 : 1;
    }
}

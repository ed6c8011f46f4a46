package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.StoreInventory;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code list}: the sources of the lock file and what else the store holds: revision, files, size, last use. */
final class ListCommand extends StoreCommand {
    /** Built when a listing is printed, not when the command table is: java.time's formatters take ~10 ms to load. */
    private static final class When {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(ZoneOffset.UTC);
    }

    @Override
    public String name() {
        return "list";
    }

    @Override
    public String summary() {
        return "sources in the store: revision, files, size, last use";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar list [options]",
                "",
                "One row per source pinned in the lock file, then one per repository or URL file the store holds",
                "that no pin names (marked *, e.g. a cache written by the Hub's Python or npm clients):",
                "  SOURCE    as the lock file spells it (hf://ORG/NAME[@REV][/PATH], or the URL)",
                "  REVISION  the commit (first 12 characters), or a URL's ETag",
                "  FILES     files in the store; N/M when only N of the M pinned files are there",
                "  SIZE      their bytes",
                "  LAST USE  the last resolution by the agent or `pull` (UTC); '-' when never recorded",
                "Totals at the end, with the bytes the whole store takes on disk. Never writes, never connects;",
                "works on a read-only store. --json prints the same as one JSON object.",
                "Exit code 0, or 1 when the store or lock file cannot be read, 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("'list' takes no SOURCE, got " + args.positional().get(0));
        }
        Config config = StoreOptions.load(args, err);
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            StoreInventory inventory = StoreInventory.of(store);
            List<StoreInventory.Row> rows = inventory.rows();
            long files = rows.stream().mapToLong(StoreInventory.Row::files).sum();
            long bytes = rows.stream().mapToLong(StoreInventory.Row::bytes).sum();
            long onDisk = inventory.bytesOnDisk();
            if (args.flag("json")) {
                out.print(Json.write(json(inventory, rows, files, bytes, onDisk)));
                return 0;
            }
            if (rows.isEmpty()) {
                out.println("The store " + store.root() + " holds no sources and " + store.lockFile().path()
                        + " pins none; add one with `java -jar model-redirect.jar pull SOURCE`.");
                return 0;
            }
            Table table = new Table("SOURCE", "REVISION", "FILES", "SIZE", "LAST USE").alignRight(2, 3);
            boolean unpinned = false;
            for (StoreInventory.Row row : rows) {
                unpinned |= !row.pinned();
                table.add(row.source() + (row.pinned() ? "" : " *"), StoreInventory.shortRevision(row.revision()),
                        row.complete() ? String.valueOf(row.files()) : row.files() + "/" + row.filesPinned(),
                        Sizes.human(row.bytes()), row.lastUse().map(When.FORMAT::format).orElse("-"));
            }
            out.print(table.render());
            out.println(rows.size() + (rows.size() == 1 ? " source, " : " sources, ") + files
                    + (files == 1 ? " file, " : " files, ") + Sizes.human(bytes) + "; the store takes "
                    + Sizes.human(onDisk) + " on disk (" + store.root() + ")");
            if (unpinned) {
                out.println("* in the store but not pinned in " + store.lockFile().path().getFileName()
                        + "; `pull SOURCE` pins it, `rm SOURCE` removes it");
            }
            if (rows.stream().anyMatch(r -> !r.complete())) {
                out.println("N/M: only N of the M pinned files are in the store; `pull` fetches the rest");
            }
            return 0;
        } catch (IOException ex) {
            err.println("model-redirect: list failed: " + ex.getMessage());
            return 1;
        }
    }

    private static Map<String, Object> json(StoreInventory inventory, List<StoreInventory.Row> rows, long files,
            long bytes, long onDisk) {
        List<Object> sources = new ArrayList<>();
        for (StoreInventory.Row row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("source", row.source());
            item.put("pinned", row.pinned());
            item.put("kind", row.kind());
            item.put("revision", row.revision());
            item.put("files", row.files());
            item.put("filesPinned", row.filesPinned());
            item.put("bytes", row.bytes());
            item.put("lastUse", row.lastUse().map(Instant::toString).orElse(null));
            sources.add(item);
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("sources", rows.size());
        totals.put("files", files);
        totals.put("bytes", bytes);
        totals.put("bytesOnDisk", onDisk);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("store", inventory.root().toString());
        result.put("lockfile", inventory.lockFile().path().toString());
        result.put("sources", sources);
        result.put("totals", totals);
        return result;
    }
}

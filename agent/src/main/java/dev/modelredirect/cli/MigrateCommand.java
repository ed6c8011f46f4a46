package dev.modelredirect.cli;

import dev.modelredirect.carry.Migration;
import dev.modelredirect.carry.MigrationReport;
import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.store.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code migrate --from DIR}: imports a Hugging Face cache, a DJL cache or a models folder into the store. */
final class MigrateCommand extends StoreCommand {
    @Override
    public String name() {
        return "migrate";
    }

    @Override
    public String summary() {
        return "import a Hugging Face cache, DJL cache or models folder (hard links, verified)";
    }

    @Override
    Set<String> valuedOptions() {
        return Set.of("from", "to");
    }

    @Override
    Set<String> flagOptions() {
        return Set.of("dry-run");
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar migrate --from DIR [--to FOLDER] [--dry-run] [options]",
                "",
                "Imports what DIR holds into the store without storing a byte twice (hard links when DIR and the",
                "store are on one file system, copies otherwise) and without changing DIR:",
                "  a Hugging Face cache (~/.cache/huggingface or its hub/ folder, also one the npm client wrote):",
                "    each blob is verified against its name (sha256, or git blob sha1) before it is linked into",
                "    <store>/hub; snapshots and refs are recreated, and each ref is pinned as hf://ORG/NAME@REF;",
                "  a DJL cache (~/.djl.ai): cache/ goes to <store>/djl/cache, engine libraries built for this",
                "    machine to <store>/engines (when engines=true);",
                "  any other folder: to the folder the paths key maps it to, else to <store>/FOLDER (--to,",
                "    default local/<DIR name>); use paths=DIR=>FOLDER so applications find the files there.",
                "Prints what was imported (files, size, how many hard-linked) and each thing skipped, with why.",
                "",
                "  --from DIR         the folder to import (required)",
                "  --to FOLDER        for a models folder: where in the store (relative to it)",
                "  --dry-run          verify and report, write nothing",
                "",
                "Exit code 0 when the migration ran (skipped things are listed), 1 when it could not (DIR missing,",
                "the store read-only), 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (args.option("from") == null) {
            throw new UsageException("'migrate' needs --from DIR, the cache or folder to import");
        }
        if (!args.positional().isEmpty()) {
            throw new UsageException("'migrate' takes no SOURCE, got " + args.positional().get(0));
        }
        Config config = StoreOptions.load(args, err);
        boolean dryRun = args.flag("dry-run");
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            if (store.isReadOnly() && !dryRun) {
                err.println("model-redirect: the store " + store.root() + " is read-only, so nothing is migrated; "
                        + "migrate into a writable store (--store DIR), or make it writable");
                return 1;
            }
            Migration migration = new Migration(new Migration.Target(store.root(), store.lockFile(),
                    config.engines(), config.paths(), args.option("to"), dryRun));
            MigrationReport report = migration.run(Path.of(args.option("from")));
            if (args.flag("json")) {
                out.print(Json.write(report.toJson()));
            } else {
                out.print(report.text());
            }
            return 0;
        } catch (IOException | IllegalArgumentException ex) {
            err.println("model-redirect: migrate failed: " + ex.getMessage());
            return 1;
        }
    }
}

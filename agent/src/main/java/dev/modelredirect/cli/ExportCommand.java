package dev.modelredirect.cli;

import dev.modelredirect.carry.Exporter;
import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.ModelStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code export SOURCE... -o FILE.tar}: the stored files of sources and their pins, as one tar to carry. */
final class ExportCommand extends StoreCommand {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write sources and their pins to a tar, to carry to a machine without network";
    }

    @Override
    Set<String> valuedOptions() {
        return Set.of("output");
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar export [SOURCE...] -o FILE.tar [options]",
                "",
                "Writes the stored files of each SOURCE (as pull names them; none: every source of the lock file)",
                "and their pins to FILE.tar, for `import` on a machine without network. The archive is a piece of",
                "a store (models.lock with the pins, hub/ and url/ files; `tar -tf` lists it); every file is",
                "checked against its pin while it is written. Never opens a connection.",
                "",
                "  -o, --output FILE  the tar to write (replaced atomically when complete)",
                "",
                "Exit code 0 when written, 1 when a SOURCE is not in the store (then `pull SOURCE` first) or a",
                "stored file no longer matches its pin, 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        List<String> sources = new ArrayList<>();
        String output = args.option("output");
        List<String> words = args.positional();
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals("-o")) {
                if (i + 1 >= words.size()) {
                    throw new UsageException("option -o of 'export' needs a value");
                }
                output = words.get(++i);
            } else if (words.get(i).startsWith("-") && !words.get(i).equals("-")) {
                throw new UsageException("unknown option " + words.get(i) + " for 'export'");
            } else {
                sources.add(words.get(i));
            }
        }
        if (output == null) {
            throw new UsageException("'export' needs -o FILE.tar, the archive to write");
        }
        Config config = StoreOptions.load(args, err);
        ModelStore.Options options = ModelStore.Options.from(config, ProgressListener.NONE);
        try (ModelStore store = new ModelStore(new ModelStore.Options(options.root(), options.lockfile(),
                options.endpoint(), options.token(), true, options.retry(), options.downloads(),
                options.progress()))) {
            Exporter.Result result = new Exporter(store).export(sources, Path.of(output));
            if (args.flag("json")) {
                out.print(Json.write(Exporter.toJson(result)));
            } else {
                out.printf("exported %d source%s (%d files, %s) to %s%n", result.sources().size(),
                        result.sources().size() == 1 ? "" : "s", result.files(), Sizes.human(result.bytes()),
                        result.archive());
                for (String source : result.sources()) {
                    out.println("  " + source);
                }
            }
            return 0;
        } catch (IOException | IllegalArgumentException ex) {
            err.println("model-redirect: export failed: " + ex.getMessage());
            return 1;
        }
    }
}

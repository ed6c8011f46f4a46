package dev.modelredirect.cli;

import dev.modelredirect.config.Config;
import dev.modelredirect.fetch.ConsoleProgress;
import dev.modelredirect.fetch.ProgressListener;
import dev.modelredirect.json.Json;
import dev.modelredirect.log.Sizes;
import dev.modelredirect.store.ModelStore;
import dev.modelredirect.store.StoreInventory;
import dev.modelredirect.store.StoreVerifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code verify [--repair]}: re-hashes every file against its records; exit 1 listing what differs. */
final class VerifyCommand extends StoreCommand {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "re-hash every file against its record; --repair deletes the bad ones";
    }

    @Override
    public String help() {
        return String.join("\n",
                "Usage: java -jar model-redirect.jar verify [--repair] [options]",
                "",
                "Re-hashes every file of the store, each once, streaming: every Hub blob against its name (sha256",
                "for LFS files, the git blob sha1 for small ones), every pinned file against the lock file, every URL",
                "file against its .meta.json. Also finds snapshot links whose blob is gone and temporary files of",
                "downloads no process will finish. One line per finding on stdout:",
                "  BAD      SOURCE PATH: sha256 is X, expected Y (RECORD)",
                "  BROKEN   SOURCE snapshots/COMMIT/PATH: a link to a blob that is gone",
                "  LEFTOVER - PATH: a temporary file of an interrupted download (`gc` removes it)",
                "  MISSING  SOURCE PATH: pinned but not in the store (not an error; `pull` fetches it)",
                "then a summary. Never connects. A progress line on stderr when it is a terminal.",
                "",
                "  --repair   delete the bad files, their snapshot links, broken links and leftovers, so the next",
                "             use (or `pull`) downloads them again, verified. Refused on a read-only store.",
                "",
                "Exit code 0 when every file matches (or --repair removed every problem), 1 when something differs",
                "or the store cannot be read, 2 for a wrong command line.",
                "",
                StoreOptions.HELP);
    }

    @Override
    Set<String> flagOptions() {
        return Set.of("repair");
    }

    @Override
    int execute(Arguments args, PrintStream out, PrintStream err) throws UsageException {
        if (!args.positional().isEmpty()) {
            throw new UsageException("'verify' checks the whole store and takes no SOURCE, got "
                    + args.positional().get(0));
        }
        boolean repair = args.flag("repair");
        boolean json = args.flag("json");
        Config config = StoreOptions.load(args, err);
        try (ModelStore store = ModelStore.open(config, ProgressListener.NONE)) {
            if (repair && store.isReadOnly()) {
                err.println("model-redirect: the store " + store.root() + " is read-only (a read-only mount, or no "
                        + "write permission), so `verify --repair` deletes nothing; run `verify` to see the problems,"
                        + " and repair where the store is writable");
                return 1;
            }
            StoreInventory inventory = StoreInventory.of(store);
            ProgressListener progress = ConsoleProgress.isStderrTerminal() ? ConsoleProgress.stderr()
                    : ProgressListener.NONE;
            StoreVerifier verifier = new StoreVerifier(inventory, progress);
            StoreVerifier.Report report = verifier.verify();
            List<Path> deleted = repair && report.problems() > 0 ? verifier.repair(report) : List.of();
            if (json) {
                out.print(Json.write(json(store, report, deleted, repair)));
            } else {
                for (StoreVerifier.Finding finding : report.findings()) {
                    out.println(finding.line());
                }
                out.println(summary(report, deleted, repair));
            }
            return report.problems() == 0 || repair ? 0 : 1;
        } catch (IOException ex) {
            err.println("model-redirect: verify failed: " + ex.getMessage());
            return 1;
        }
    }

    private static String summary(StoreVerifier.Report report, List<Path> deleted, boolean repair) {
        long missing = report.findings().size() - report.problems();
        String hashed = "verified " + report.filesHashed() + (report.filesHashed() == 1 ? " file" : " files") + " ("
                + Sizes.human(report.bytesHashed()) + "): ";
        String absent = missing == 0 ? "" : "; " + missing + " pinned " + (missing == 1 ? "file is" : "files are")
                + " not in the store (`pull` fetches them)";
        if (report.problems() == 0) {
            return hashed + "all match their records" + absent;
        }
        String problems = report.problems() + (report.problems() == 1 ? " problem" : " problems");
        if (repair) {
            return hashed + problems + "; repaired: deleted " + deleted.size() + " files, so the next use (or "
                    + "`pull`) downloads them again" + absent;
        }
        return hashed + problems + absent + ". `verify --repair` deletes the bad files so that the next use downloads"
                + " them again";
    }

    private static Map<String, Object> json(ModelStore store, StoreVerifier.Report report, List<Path> deleted,
            boolean repair) {
        List<Object> findings = new ArrayList<>();
        for (StoreVerifier.Finding finding : report.findings()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("kind", finding.kind().name());
            item.put("source", finding.source());
            item.put("path", finding.path());
            item.put("detail", finding.detail());
            findings.add(item);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("store", store.root().toString());
        result.put("filesHashed", report.filesHashed());
        result.put("bytesHashed", report.bytesHashed());
        result.put("problems", report.problems());
        result.put("findings", findings);
        if (repair) {
            result.put("deleted", deleted.stream().map(Path::toString).toList());
        }
        return result;
    }
}

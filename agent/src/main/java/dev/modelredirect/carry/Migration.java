package dev.modelredirect.carry;

import dev.modelredirect.config.PathMapping;
import dev.modelredirect.files.SafePaths;
import dev.modelredirect.store.HubLayout;
import dev.modelredirect.store.LockFile;
import dev.modelredirect.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code migrate --from DIR}: recognises what DIR is and brings it into the store without storing a byte twice and
 * without changing DIR.
 *
 * <ul>
 *   <li>a Hugging Face hub cache (DIR holds {@code models--ORG--NAME} folders, or DIR is {@code ~/.cache/huggingface}
 *       whose {@code hub/} holds them): to {@code <store>/hub}, verified, see {@link HubCacheMigration};</li>
 *   <li>a DJL cache ({@code ~/.djl.ai}: {@code cache/} and engine folders such as {@code pytorch/}): {@code cache/} to
 *       {@code <store>/djl/cache} (where the {@code djl-cache} hook makes DJL look), engine folders of this platform to
 *       {@code <store>/engines} when {@code engines=true};</li>
 *   <li>anything else is a legacy models folder: to the folder the {@code paths} key maps it to, as the agent's
 *       {@code paths} import would place it, else to {@code <store>/TO} ({@code local/<DIR name>} by default).</li>
 * </ul>
 */
public final class Migration {
    /** The engine folders DJL keeps in its cache directory. */
    static final Set<String> DJL_ENGINES = Set.of("pytorch", "tensorflow", "mxnet", "onnxruntime", "tokenizers",
            "fasttext", "sentencepiece", "xgboost", "lightgbm", "paddle", "tflite", "llama", "huggingface");

    /**
     * Where to migrate to.
     *
     * @param root     the store root
     * @param lockFile the store's lock file
     * @param engines  the {@code engines} key
     * @param paths    the {@code paths} key
     * @param to       for a legacy folder: the folder relative to the store, or null for the default
     * @param dryRun   only say what would be done
     */
    public record Target(Path root, LockFile lockFile, boolean engines, List<PathMapping> paths, String to,
            boolean dryRun) {
    }

    private final Target target;

    public Migration(Target target) {
        this.target = target;
    }

    /**
     * Migrates {@code from}.
     *
     * @throws StoreException when {@code from} is not a folder or overlaps the store (nothing is written then)
     */
    public MigrationReport run(Path from) throws IOException {
        Path dir = from.toAbsolutePath().normalize();
        Path root = target.root().toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new StoreException("cannot migrate " + dir + ": it is not a folder; name the Hugging Face cache "
                    + "(~/.cache/huggingface/hub), the DJL cache (~/.djl.ai) or the models folder to import");
        }
        Path realDir = dir.toRealPath();
        Path realRoot = Files.exists(root) ? root.toRealPath() : root;
        if (realDir.startsWith(realRoot) || realRoot.startsWith(realDir)) {
            throw new StoreException("cannot migrate " + dir + " into the store " + root + ": one is inside the "
                    + "other; name a folder outside the store, or another --store");
        }
        FileLinker linker = new FileLinker(target.dryRun());
        boolean huggingfaceHome = Files.isDirectory(dir.resolve("hub")) && dir.getFileName() != null
                && dir.getFileName().toString().equals("huggingface");
        if (HubCacheMigration.isHubCache(dir) || HubCacheMigration.isHubCache(dir.resolve("hub")) || huggingfaceHome) {
            Path hub = HubCacheMigration.isHubCache(dir) ? dir : dir.resolve("hub");
            MigrationReport report = new MigrationReport("Hugging Face cache", hub.toString(), root.toString(),
                    target.dryRun());
            new HubCacheMigration(hub, new HubLayout(root.resolve("hub")), target.lockFile(), linker, report).run();
            return report;
        }
        if (isDjlCache(dir)) {
            return migrateDjl(dir, root, linker);
        }
        return migrateFolder(dir, root, linker);
    }

    /** A DJL cache: {@code cache/repo} inside, or named {@code .djl.ai}, or {@code cache/} beside an engine folder. */
    static boolean isDjlCache(Path dir) {
        if (Files.isDirectory(dir.resolve("cache").resolve("repo"))
                || dir.getFileName() != null && dir.getFileName().toString().equals(".djl.ai")) {
            return true;
        }
        return Files.isDirectory(dir.resolve("cache"))
                && DJL_ENGINES.stream().anyMatch(engine -> Files.isDirectory(dir.resolve(engine)));
    }

    private MigrationReport migrateDjl(Path dir, Path root, FileLinker linker) throws IOException {
        MigrationReport report = new MigrationReport("DJL cache", dir.toString(), root.toString(), target.dryRun());
        FolderMigration folders = new FolderMigration(dir, root, linker, report);
        for (Path child : HubCacheMigration.sorted(dir)) {
            String name = child.getFileName().toString();
            if (name.equals("cache") && Files.isDirectory(child)) {
                folders.copyTree(child, root.resolve("djl").resolve("cache"));
            } else if (DJL_ENGINES.contains(name) && Files.isDirectory(child)) {
                if (!target.engines()) {
                    report.skipped(name, "engine libraries are not kept in the store (engines=false); set "
                            + "engines=true to import them");
                    continue;
                }
                for (Path version : HubCacheMigration.sorted(child)) {
                    String reason = platformProblem(version.getFileName().toString());
                    if (reason != null) {
                        report.skipped(dir.relativize(version).toString(), reason);
                    } else {
                        folders.copyTree(version, root.resolve("engines").resolve(name)
                                .resolve(version.getFileName().toString()));
                    }
                }
            } else {
                report.skipped(name, "not part of a DJL cache this tool knows (cache/ and engine folders such as "
                        + "pytorch/)");
            }
        }
        report.note("DJL's cache files carry no recorded hash, so they are imported as they are; the djl-cache hook "
                + "makes DJL find them in " + root.resolve("djl") + " and " + root.resolve("engines"));
        return report;
    }

    /** Why an engine folder such as {@code 2.7.1-cpu-linux-x86_64} is useless here, or null. */
    static String platformProblem(String folder) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String here = os.contains("mac") ? "osx" : os.contains("win") ? "win" : "linux";
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String hereArch = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : arch;
        for (String platform : List.of("linux", "osx", "win")) {
            int at = folder.indexOf("-" + platform + "-");
            if (at >= 0) {
                String folderArch = folder.substring(at + platform.length() + 2);
                if (!platform.equals(here) || !folderArch.equals(hereArch)) {
                    return "engine libraries built for " + platform + "-" + folderArch + ", not for this machine ("
                            + here + "-" + hereArch + ")";
                }
            }
        }
        return null;
    }

    private MigrationReport migrateFolder(Path dir, Path root, FileLinker linker) throws IOException {
        MigrationReport report = new MigrationReport("models folder", dir.toString(), root.toString(),
                target.dryRun());
        Path destination = null;
        for (PathMapping mapping : target.paths()) {
            if (dir.startsWith(mapping.from())) {
                destination = root.resolve(mapping.to()).resolve(mapping.from().relativize(dir)).normalize();
                report.note("placed where the paths entry " + mapping.from() + "=>" + mapping.to()
                        + " sends it, so applications reading " + dir + " load these files from the store");
                break;
            }
        }
        if (destination == null) {
            String to = target.to() != null ? target.to() : "local/" + dir.getFileName();
            destination = SafePaths.resolve(root, to, "--to folder");
            report.note("applications reading " + dir + " load these files from the store with the key paths="
                    + dir + "=>" + to);
        }
        if (!destination.startsWith(root)) {
            throw new StoreException("cannot migrate " + dir + ": its target " + destination + " is outside the store "
                    + root + "; fix the paths key");
        }
        new FolderMigration(dir, root, linker, report).copyTree(dir, destination);
        report.note("files of a models folder carry no recorded hash, so they are imported as they are");
        return report;
    }
}

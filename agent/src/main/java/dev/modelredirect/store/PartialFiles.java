package dev.modelredirect.store;

import dev.modelredirect.log.Log;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary files of downloads in progress: {@code PREFIX.p<pid>-<random>.incomplete}, in the final file's directory
 * (so the last rename stays on one file system); a parallel download keeps its chunk journal in a trailer of the same
 * file.
 *
 * <p>A download resumes from the largest partial file of the same name that no live process owns: one whose owner
 * process is gone (or is this process), or one without an owner (such as Python's {@code <etag>.incomplete}) left
 * untouched for {@link #STALE_MILLIS}; and that this user may write (another user's, outside a team store, is not).
 * It is claimed by renaming it to a fresh unique name: a rename succeeds for one claimer only, so two processes never
 * write the same partial file even when file locks do not work.
 */
public final class PartialFiles {
    /** A partial file without a live owner is taken over when untouched this long. */
    public static final long STALE_MILLIS = 60_000;

    private static final Pattern OWNED = Pattern.compile("\\.p(\\d+)-[0-9a-f]+\\.incomplete$");
    /** What follows the prefix in a partial file of exactly that prefix: ours, or another tool's plain suffix. */
    private static final Pattern SUFFIX = Pattern.compile("\\.p\\d+-[0-9a-f]+\\.incomplete|\\.incomplete");
    private static final long PID = ProcessHandle.current().pid();

    private PartialFiles() {
    }

    /** A fresh temporary name for {@code prefix} in {@code directory}. */
    public static Path fresh(Path directory, String prefix) {
        String random = Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0x7fffffff);
        return directory.resolve(prefix + ".p" + PID + "-" + random + ".incomplete");
    }

    /**
     * Whether a partial file may be taken over or deleted now: its owner process, named in its file name, is this
     * process or no longer alive on this host; or, without an owner in its name, it has not been touched for
     * {@link #STALE_MILLIS}.
     */
    public static boolean isAbandoned(Path partial) throws IOException {
        String name = partial.getFileName().toString();
        Matcher matcher = OWNED.matcher(name);
        if (matcher.find()) {
            long owner = Long.parseLong(matcher.group(1));
            return owner == PID || !ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false);
        }
        return System.currentTimeMillis() - Files.getLastModifiedTime(partial).toMillis() > STALE_MILLIS;
    }

    /**
     * A temporary file to download {@code prefix} into: an abandoned partial file renamed to a fresh name in one atomic
     * step, or a fresh name with nothing in it.
     */
    public static Path claim(Path directory, String prefix) throws IOException {
        Path target = fresh(directory, prefix);
        if (!Files.isDirectory(directory)) {
            return target;
        }
        Path best = null;
        long bestSize = -1;
        DirectoryStream.Filter<Path> sameFile = candidate -> {
            String name = candidate.getFileName().toString();
            // exactly this prefix: the partial of "model.onnx.data" is not one of "model.onnx"
            return name.startsWith(prefix) && SUFFIX.matcher(name.substring(prefix.length())).matches();
        };
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, sameFile)) {
            for (Path candidate : entries) {
                if (!isAbandoned(candidate) || !Files.isWritable(candidate)) {
                    continue;
                }
                long size = Files.size(candidate);
                if (size > bestSize) {
                    best = candidate;
                    bestSize = size;
                }
            }
        }
        if (best == null) {
            return target;
        }
        try {
            moveAtomically(best, target);
        } catch (NoSuchFileException lostRace) {
            return target;
        }
        Log.debug("resuming from %d bytes left in %s", bestSize, best.getFileName());
        return target;
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException ex) {
            Files.move(from, to);
        }
    }
}

package dev.modelredirect.agent;

import dev.modelredirect.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Instrumented class files kept on disk, so that a run that loads the same library class again (every run after the
 * first: store hits are repeat runs) gets its instrumented bytes without loading Byte Buddy at all.
 *
 * <p>An entry is keyed by the hooks applied and by the bytes of the advice classes in this agent jar, and holds the
 * original class file whole: it is used only when the class being loaded has exactly those bytes, so a changed library
 * or a rebuilt agent never gets a stale result. Entries are written atomically (temporary file and rename) into a
 * per-user folder of the temporary directory; any problem reading or writing one just means Byte Buddy does the work.
 */
final class InstrumentedClassCache {
    private static final int MAGIC = 0x4d524331;

    private final Path folder;
    private final long adviceKey;

    private InstrumentedClassCache(Path folder, long adviceKey) {
        this.folder = folder;
        this.adviceKey = adviceKey;
    }

    /** The cache for this agent jar, or null when the advice classes cannot be read (then nothing is cached). */
    static InstrumentedClassCache open(List<String> adviceResources) {
        CRC32 crc = new CRC32();
        ClassLoader loader = InstrumentedClassCache.class.getClassLoader();
        for (String resource : adviceResources) {
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    return null;
                }
                crc.update(in.readAllBytes());
            } catch (IOException ex) {
                return null;
            }
        }
        Path folder = BootstrapBridge.userTempFolder().resolve("classes");
        return new InstrumentedClassCache(folder, crc.getValue());
    }

    /** The instrumented bytes of {@code original} with {@code hooks}, or null when not cached. */
    byte[] get(String internalName, byte[] original, List<String> hooks) {
        Path entry = entry(internalName, original, hooks);
        try (DataInputStream in = new DataInputStream(Files.newInputStream(entry))) {
            if (in.readInt() != MAGIC || in.readLong() != adviceKey) {
                return null;
            }
            byte[] recorded = new byte[in.readInt()];
            in.readFully(recorded);
            if (!Arrays.equals(recorded, original)) {
                return null;
            }
            byte[] instrumented = new byte[in.readInt()];
            in.readFully(instrumented);
            return instrumented;
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException | RuntimeException ex) {
            Log.debug("cached instrumentation of %s unreadable (%s); instrumenting again", internalName, ex);
            return null;
        }
    }

    /** Keeps the instrumented bytes of {@code original}; failures are ignored. */
    void put(String internalName, byte[] original, List<String> hooks, byte[] instrumented) {
        Path entry = entry(internalName, original, hooks);
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream(original.length + instrumented.length + 32);
            try (DataOutputStream out = new DataOutputStream(buffer)) {
                out.writeInt(MAGIC);
                out.writeLong(adviceKey);
                out.writeInt(original.length);
                out.write(original);
                out.writeInt(instrumented.length);
                out.write(instrumented);
            }
            Files.createDirectories(folder);
            Path temp = Files.createTempFile(folder, "entry", ".tmp");
            try {
                Files.write(temp, buffer.toByteArray());
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException | RuntimeException ex) {
            Log.debug("cannot cache the instrumentation of %s (%s)", internalName, ex);
        }
    }

    private Path entry(String internalName, byte[] original, List<String> hooks) {
        CRC32 crc = new CRC32();
        crc.update(original);
        String name = internalName.replace('/', '.') + "-" + String.join("+", hooks) + "-"
                + Long.toHexString(adviceKey) + "-" + Long.toHexString(crc.getValue()) + "-" + original.length
                + ".class";
        return folder.resolve(name);
    }
}

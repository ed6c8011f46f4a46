package dev.modelredirect.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import okio.BufferedSink;

/** The bytes of a file the fake servers serve: given bytes, or a deterministic synthetic stream of any size. */
public abstract class Content {
    private String sha256;
    private String gitSha1;

    public abstract long size();

    /** Writes bytes {@code [from, to)} to {@code sink}. */
    public abstract void write(BufferedSink sink, long from, long to) throws IOException;

    /** Bytes {@code [from, to)} into an array (small ranges only). */
    public abstract void read(long from, byte[] into, int offset, int length);

    public static Content of(byte[] bytes) {
        return new Bytes(bytes);
    }

    public static Content of(String text) {
        return new Bytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code size} pseudo-random bytes from {@code seed}, generated on the fly: no memory held. */
    public static Content synthetic(long size, long seed) {
        return new Synthetic(size, seed);
    }

    public synchronized String sha256() {
        if (sha256 == null) {
            sha256 = digest("SHA-256", false);
        }
        return sha256;
    }

    public synchronized String gitSha1() {
        if (gitSha1 == null) {
            gitSha1 = digest("SHA-1", true);
        }
        return gitSha1;
    }

    /** All bytes (small contents only). */
    public byte[] bytes() {
        byte[] all = new byte[Math.toIntExact(size())];
        read(0, all, 0, all.length);
        return all;
    }

    private String digest(String algorithm, boolean gitHeader) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            if (gitHeader) {
                digest.update(("blob " + size() + "\0").getBytes(StandardCharsets.US_ASCII));
            }
            byte[] buffer = new byte[1 << 20];
            for (long at = 0; at < size(); at += buffer.length) {
                int n = (int) Math.min(buffer.length, size() - at);
                read(at, buffer, 0, n);
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static final class Bytes extends Content {
        private final byte[] bytes;

        Bytes(byte[] bytes) {
            this.bytes = bytes.clone();
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void write(BufferedSink sink, long from, long to) throws IOException {
            sink.write(bytes, (int) from, (int) (to - from));
        }

        @Override
        public void read(long from, byte[] into, int offset, int length) {
            System.arraycopy(bytes, (int) from, into, offset, length);
        }
    }

    /** Byte i is a function of (seed, i / 8): any range can be produced without the ones before it. */
    private static final class Synthetic extends Content {
        private final long size;
        private final long seed;

        Synthetic(long size, long seed) {
            this.size = size;
            this.seed = seed;
        }

        @Override
        public long size() {
            return size;
        }

        private long word(long index) {
            long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        @Override
        public void read(long from, byte[] into, int offset, int length) {
            for (int i = 0; i < length; i++) {
                long position = from + i;
                into[offset + i] = (byte) (word(position >>> 3) >>> ((position & 7) * 8));
            }
        }

        @Override
        public void write(BufferedSink sink, long from, long to) throws IOException {
            byte[] buffer = new byte[1 << 16];
            for (long at = from; at < to; at += buffer.length) {
                int n = (int) Math.min(buffer.length, to - at);
                read(at, buffer, 0, n);
                sink.write(buffer, 0, n);
            }
        }
    }
}

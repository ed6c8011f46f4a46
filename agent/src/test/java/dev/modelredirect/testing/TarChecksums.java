package dev.modelredirect.testing;

import java.nio.charset.StandardCharsets;

/**
 * Rewrites the header checksum of every 512-byte block that carries the ustar magic, so that a fuzzed archive gets
 * past the checksum test into the code that reads names, sizes, types and links.
 */
public final class TarChecksums {
    private TarChecksums() {
    }

    /** A copy of {@code tar} whose ustar headers have correct checksums. */
    public static byte[] fixed(byte[] tar) {
        byte[] out = tar.clone();
        for (int block = 0; block + 512 <= out.length; block += 512) {
            if (out[block + 257] != 'u' || out[block + 258] != 's' || out[block + 259] != 't') {
                continue;
            }
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += i >= 148 && i < 156 ? ' ' : out[block + i] & 0xff;
            }
            byte[] field = String.format("%06o", sum & 0x3ffff).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(field, 0, out, block + 148, 6);
            out[block + 154] = 0;
            out[block + 155] = ' ';
        }
        return out;
    }
}

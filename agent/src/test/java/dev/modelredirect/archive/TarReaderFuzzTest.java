package dev.modelredirect.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.modelredirect.testing.Mutations;
import dev.modelredirect.testing.TarChecksums;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Any bytes through {@link TarReader}: entries with sizes of zero or more whose data reads to its end, or an
 * {@link IOException}; never a runtime exception, a negative size or an endless loop. Each input is read as it is and
 * again with its header checksums made right, so the fuzzer reaches past the checksum test.
 */
class TarReaderFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void anyBytesReadAsEntriesOrFailAsAnIOException(byte[] input) {
        readAll(input);
        readAll(TarChecksums.fixed(input));
    }

    @Test
    void seededMutantsOfTheCorpusReadOrFailAsAnIOException() {
        int ran = Mutations.ofBytes(14, Mutations.corpus(TarReaderFuzzTest.class,
                "anyBytesReadAsEntriesOrFailAsAnIOException")).run(20_000, 501, Duration.ofSeconds(4),
                this::anyBytesReadAsEntriesOrFailAsAnIOException);
        assertThat(ran).isGreaterThan(500);
    }

    @Test
    void aNegativeOrGarbledSizeIsAnArchiveError() {
        byte[] tar = TarChecksums.fixed(ustarHeader("a", "-000000001\0"));
        assertThat(failure(tar)).isInstanceOf(ArchiveException.class).hasMessageContaining("negative size");
        byte[] garbled = TarChecksums.fixed(ustarHeader("a", "0000008x\0"));
        assertThat(failure(garbled)).isInstanceOf(ArchiveException.class).hasMessageContaining("not an octal number");
        byte[] base256 = ustarHeader("a", "00000000000\0");
        base256[124] = (byte) 0xff; // base-256, all ones: a negative size
        for (int i = 125; i < 136; i++) {
            base256[i] = (byte) 0xff;
        }
        assertThat(failure(TarChecksums.fixed(base256))).hasMessageContaining("negative size");
    }

    @Test
    void aBadChecksumFieldIsAnArchiveErrorNotANumberFormatException() {
        byte[] tar = ustarHeader("a", "00000000000\0");
        System.arraycopy("zzzzzz\0 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, tar, 148, 8);
        assertThat(failure(tar)).isInstanceOf(ArchiveException.class);
    }

    private static Throwable failure(byte[] tar) {
        try {
            TarReader reader = new TarReader(new ByteArrayInputStream(tar));
            while (reader.next() != null) {
                reader.data().readAllBytes();
            }
            return null;
        } catch (IOException ex) {
            return ex;
        }
    }

    private static byte[] ustarHeader(String name, String size) {
        byte[] block = new byte[1024];
        byte[] bytes = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, block, 0, bytes.length);
        System.arraycopy("0000644\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, block, 100, 8);
        System.arraycopy(size.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, block, 124, size.length());
        block[156] = '0';
        System.arraycopy("ustar\u000000".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, block, 257, 8);
        return block;
    }

    private static void readAll(byte[] tar) {
        try {
            TarReader reader = new TarReader(new ByteArrayInputStream(tar));
            TarReader.Entry entry;
            int entries = 0;
            while ((entry = reader.next()) != null) {
                assertThat(entry.size()).as("size of %s", entry.name()).isNotNegative();
                assertThat(++entries).as("entries of a %d-byte archive", tar.length).isLessThanOrEqualTo(tar.length / 512);
                try (InputStream data = reader.data()) {
                    data.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
        } catch (IOException expected) {
            // a refusal: what the importer turns into its one-line message
        }
    }
}

package dev.modelredirect.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    private FileChannel open(Path file) throws Exception {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    @Test
    void writtenRangesSurviveAsTheTrailerAfterTheData() throws Exception {
        Path file = dir.resolve("f.part");
        try (FileChannel channel = open(file)) {
            Journal journal = Journal.start(channel, 1000, new Intervals());
            journal.written(0, 100);
            journal.written(500, 700);
            journal.written(100, 150);
        }
        Intervals read = new Intervals();
        assertThat(Journal.read(file, 1000, read)).isTrue();
        assertThat(read.ranges()).containsExactly(new long[] {0, 150}, new long[] {500, 700});
        assertThat(Journal.contiguousPrefix(file, 1000)).isEqualTo(150);
    }

    @Test
    void aTornOrCorruptEntryEndsTheRecordWithoutClaimingBytes() throws Exception {
        Path file = dir.resolve("f.part");
        try (FileChannel channel = open(file)) {
            Journal journal = Journal.start(channel, 1000, new Intervals());
            journal.written(0, 100);
            journal.written(200, 300);
        }
        long secondEntry = 1000 + Journal.HEADER + Journal.ENTRY;
        try (FileChannel channel = open(file)) {
            channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 0, 0, 3, (byte) 0xe8}), secondEntry + 8);
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), channel.size());
        }
        Intervals read = new Intervals();
        Journal.read(file, 1000, read);
        assertThat(read.ranges()).as("the entry whose end was changed to 1000 fails its CRC")
                .containsExactly(new long[] {0, 100});
    }

    @Test
    void restartingCompactsTheRecordAndKeepsEveryRange() throws Exception {
        Path file = dir.resolve("f.part");
        Intervals done = new Intervals();
        done.add(0, 10);
        done.add(20, 30);
        try (FileChannel channel = open(file)) {
            Journal.start(channel, 100, done);
        }
        assertThat(Files.size(file)).isEqualTo(100 + Journal.HEADER + 2 * Journal.ENTRY);
        Intervals read = new Intervals();
        Journal.read(file, 100, read);
        assertThat(read.ranges()).containsExactly(new long[] {0, 10}, new long[] {20, 30});
    }

    @Test
    void aTrailerForAnotherSizeIsNotRead() throws Exception {
        Path file = dir.resolve("f.part");
        try (FileChannel channel = open(file)) {
            Journal.start(channel, 100, new Intervals()).written(0, 50);
        }
        Intervals read = new Intervals();
        assertThat(Journal.read(file, 90, read)).isFalse();
        assertThat(read.total()).isZero();
    }
}

package dev.modelredirect.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The bounded, reproducible fuzz run of CI: a fixed seed mutates a corpus of valid inputs (flips, cuts, repeats,
 * splices and "interesting" bytes and tokens), and every mutant goes through a target that must either accept it or
 * refuse it with one of its documented exceptions. The coverage-guided runs of Jazzer ({@code JAZZER_FUZZ=1}) go much
 * further; this one runs in every build and names the seed and the input of the first failure, so it replays.
 */
public final class Mutations {
    /** Code under test fed one input; any exception it throws is a finding. */
    @FunctionalInterface
    public interface Target {
        void accept(byte[] input) throws Exception;
    }

    private static final String[] TOKENS = {"\"", "\\", "\\u", "\\ud800", "{", "}", "[", "]", ":", ",", "-", "0",
        "1e999999999", "9223372036854775808", "-0.0e-0", "null", "true", "\u0000", "\ufeff", "../", "..", "/", "%2e%2e",
        "%00", "\r\n", " ", "\u00e9", "\ud83d\ude00", "ustar\u000000", "0000777\u0000", "99999999999\u0000"};

    private final Random random;
    private final List<byte[]> corpus;

    private Mutations(long seed, List<byte[]> corpus) {
        this.random = new Random(seed);
        this.corpus = corpus;
    }

    /** A mutator of {@code corpus} (texts, UTF-8) with a fixed {@code seed}. */
    public static Mutations ofTexts(long seed, List<String> corpus) {
        List<byte[]> bytes = new ArrayList<>();
        corpus.forEach(text -> bytes.add(text.getBytes(StandardCharsets.UTF_8)));
        return new Mutations(seed, bytes);
    }

    /**
     * The seed corpus Jazzer replays for {@code method} of {@code test}: every file of the test resource folder
     * {@code <package>/<Class>Inputs/<method>/}.
     */
    public static List<byte[]> corpus(Class<?> test, String method) {
        String folder = test.getSimpleName() + "Inputs/" + method;
        java.net.URL url = test.getResource(folder);
        if (url == null) {
            throw new IllegalStateException("no seed corpus " + folder + " beside " + test.getName());
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(
                java.nio.file.Path.of(url.toURI()))) {
            List<byte[]> corpus = new ArrayList<>();
            for (java.nio.file.Path file : files.sorted().toList()) {
                corpus.add(java.nio.file.Files.readAllBytes(file));
            }
            return corpus;
        } catch (java.io.IOException | java.net.URISyntaxException ex) {
            throw new IllegalStateException("cannot read the seed corpus " + folder + ": " + ex, ex);
        }
    }

    /** A mutator of {@code corpus} (binary inputs) with a fixed {@code seed}. */
    public static Mutations ofBytes(long seed, List<byte[]> corpus) {
        return new Mutations(seed, List.copyOf(corpus));
    }

    /**
     * Feeds the corpus itself, then mutants, to {@code target} until {@code count} inputs or {@code budget} have gone;
     * returns how many ran. The first exception fails with the seed, the input's number and its bytes.
     */
    public int run(int count, Duration budget, Target target) {
        return run(count, 0, budget, target);
    }

    /**
     * Same, but the budget ends a run only once {@code atLeast} inputs ran: how many fit in a time depends on the
     * machine and its load (a busy CI machine runs a fraction of a developer's count), the floor does not.
     */
    public int run(int count, int atLeast, Duration budget, Target target) {
        long deadline = System.nanoTime() + budget.toNanos();
        int ran = 0;
        for (byte[] input : corpus) {
            feed(target, input, ran++);
        }
        long start = System.nanoTime();
        while (ran < count && (ran < atLeast || System.nanoTime() < deadline)) {
            feed(target, next(), ran++);
        }
        System.out.printf("seeded fuzz run: %d inputs (%d seeds) in %d ms%n", ran, corpus.size(),
                (System.nanoTime() - start) / 1_000_000);
        return ran;
    }

    /** One mutant: a corpus entry with one to four mutations. */
    public byte[] next() {
        byte[] input = corpus.get(random.nextInt(corpus.size())).clone();
        int rounds = 1 + random.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            input = mutate(input);
        }
        return input;
    }

    private byte[] mutate(byte[] in) {
        int at = in.length == 0 ? 0 : random.nextInt(in.length + 1);
        switch (random.nextInt(8)) {
            case 0: { // flip one bit
                if (in.length == 0) {
                    return in;
                }
                int i = Math.min(at, in.length - 1);
                in[i] ^= (byte) (1 << random.nextInt(8));
                return in;
            }
            case 1: { // set an interesting byte
                if (in.length == 0) {
                    return in;
                }
                byte[] interesting = {0, (byte) 0xff, (byte) 0x80, 0x7f, '"', '\\', '/', '.', '0', '7', ' '};
                in[Math.min(at, in.length - 1)] = interesting[random.nextInt(interesting.length)];
                return in;
            }
            case 2: // cut the tail
                return java.util.Arrays.copyOf(in, at);
            case 3: { // delete a slice
                int end = Math.min(in.length, at + 1 + random.nextInt(16));
                return concat(java.util.Arrays.copyOfRange(in, 0, at), java.util.Arrays.copyOfRange(in, end, in.length));
            }
            case 4: { // repeat a slice
                int end = Math.min(in.length, at + 1 + random.nextInt(32));
                byte[] slice = java.util.Arrays.copyOfRange(in, at, end);
                byte[] out = java.util.Arrays.copyOfRange(in, 0, at);
                for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
                    out = concat(out, slice);
                }
                return concat(out, java.util.Arrays.copyOfRange(in, at, in.length));
            }
            case 5: { // splice in a token
                byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
                return concat(concat(java.util.Arrays.copyOfRange(in, 0, at), token),
                        java.util.Arrays.copyOfRange(in, at, in.length));
            }
            case 6: { // splice another corpus entry
                byte[] other = corpus.get(random.nextInt(corpus.size()));
                int from = other.length == 0 ? 0 : random.nextInt(other.length);
                return concat(java.util.Arrays.copyOfRange(in, 0, at), java.util.Arrays.copyOfRange(other, from,
                        other.length));
            }
            default: { // a random byte
                if (in.length == 0) {
                    return new byte[] {(byte) random.nextInt(256)};
                }
                in[Math.min(at, in.length - 1)] = (byte) random.nextInt(256);
                return in;
            }
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void feed(Target target, byte[] input, int number) {
        try {
            target.accept(input);
        } catch (Exception | Error ex) {
            String shown = input.length > 600 ? new String(input, 0, 600, StandardCharsets.ISO_8859_1) + "..."
                    : new String(input, StandardCharsets.ISO_8859_1);
            throw new AssertionError("input #" + number + " (" + input.length + " bytes) broke the target: " + ex
                    + "\n--- input (ISO-8859-1):\n" + shown.replaceAll("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f]", "?"), ex);
        }
    }
}

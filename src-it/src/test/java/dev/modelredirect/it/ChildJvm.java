package dev.modelredirect.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child process running the real shaded jar, {@code java [jvm options] -jar model-redirect.jar ARGS}, as a user
 * would run it: its own JVM, its own environment, stdout and stderr captured to files. (Also other programs the tests
 * need, through {@link #program}.)
 *
 * <p>The child's environment is the test JVM's minus every variable that would change the product's configuration
 * ({@code MODEL_REDIRECT_*}, {@code HF_*}, {@code DJL_*}), plus {@code OPT_OUT_TRACKING=true}, plus
 * {@code HF_HOME} pointing into the child's own folder so that no token of the machine is ever read. Close it (or
 * {@link #kill()} it) so no child outlives its test.
 */
public final class ChildJvm implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** What a child left behind once it exited. */
    public record Exit(int code, String stdout, String stderr, Duration wallTime) {
        /** The exit code, stdout and stderr, for assertion messages. */
        public String describe() {
            return "exit code " + code + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    /** How to start a child. */
    public static final class Builder {
        private final List<String> prefix = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Path directory;
        private final boolean java;

        private Builder(Path directory, boolean java, List<String> args) {
            this.directory = directory;
            this.java = java;
            this.args.addAll(args);
        }

        /** A JVM option such as {@code -Xmx64m} or {@code -Dkey=value}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        /**
         * A command the java command runs under, such as {@code /usr/bin/time -f %M -o FILE}; {@link #kill()} then
         * kills that command, so use it only for children that are waited for.
         */
        public Builder under(List<String> command) {
            prefix.addAll(command);
            return this;
        }

        /** Starts the child and waits for it to exit, at most {@code timeout} (then it is killed and this fails). */
        public Exit run(Duration timeout) {
            try (ChildJvm child = start()) {
                return child.awaitExit(timeout);
            }
        }

        public ChildJvm start() {
            try {
                Path dir = Files.createDirectories(directory);
                int id = COUNTER.incrementAndGet();
                Path stdout = dir.resolve("child-" + id + ".stdout");
                Path stderr = dir.resolve("child-" + id + ".stderr");
                List<String> command = new ArrayList<>(prefix);
                if (java) {
                    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                    command.addAll(jvmOptions);
                    command.add("-jar");
                    command.add(agentJar().toString());
                }
                command.addAll(args);
                ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                        .redirectInput(ProcessBuilder.Redirect.PIPE);
                Map<String, String> childEnv = builder.environment();
                childEnv.keySet().removeIf(name -> name.startsWith("MODEL_REDIRECT_") || name.startsWith("HF_")
                        || name.startsWith("DJL_") || name.startsWith("JAVA_TOOL_OPTIONS")
                        || name.equals("_JAVA_OPTIONS") || name.equals("JDK_JAVA_OPTIONS"));
                childEnv.put("OPT_OUT_TRACKING", "true");
                childEnv.put("HF_HOME", dir.resolve("hf-home").toString());
                childEnv.putAll(env);
                long start = System.nanoTime();
                Process process = builder.start();
                process.getOutputStream().close();
                return new ChildJvm(process, String.join(" ", command), stdout, stderr, start);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private final Process process;
    private final String command;
    private final Path stdout;
    private final Path stderr;
    private final long startNanos;

    private ChildJvm(Process process, String command, Path stdout, Path stderr, long startNanos) {
        this.process = process;
        this.command = command;
        this.stdout = stdout;
        this.stderr = stderr;
        this.startNanos = startNanos;
    }

    /**
     * A child that will run {@code java -jar model-redirect.jar ARGS} in {@code folder}, its working directory, where
     * its stdout and stderr go too ({@code child-N.stdout}, {@code child-N.stderr}).
     */
    public static Builder cli(Path folder, String... args) {
        return new Builder(folder, true, List.of(args));
    }

    /**
     * A child that will run another program ({@code node}, {@code npm}) in {@code folder}, with the same environment
     * and output capture as the JVMs.
     */
    public static Builder program(Path folder, String... command) {
        return new Builder(folder, false, List.of(command));
    }

    /** Runs {@code java -jar model-redirect.jar ARGS} in {@code folder} and waits for it, at most {@code timeout}. */
    public static Exit run(Duration timeout, Path folder, String... args) {
        return cli(folder, args).run(timeout);
    }

    /** The shaded jar under test, as the build made it. */
    public static Path agentJar() {
        String property = System.getProperty("agent.jar");
        if (property == null) {
            throw new IllegalStateException("system property agent.jar is not set; run the tests through Maven");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist; build it first with `mvn -pl agent package`");
        }
        return jar;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the child has written to stderr so far. */
    public String stderr() {
        return read(stderr);
    }

    /** What the child has written to stdout so far. */
    public String stdout() {
        return read(stdout);
    }

    /**
     * Waits for the child to exit. A child still running after {@code timeout} is killed, and the wait fails with
     * what it printed.
     */
    public Exit awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("the child did not exit within " + timeout + " and was killed: " + command
                        + "\n--- stdout:\n" + stdout() + "\n--- stderr:\n" + stderr());
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            kill();
            throw new AssertionError("interrupted while waiting for " + command, ex);
        }
        return new Exit(process.exitValue(), stdout(), stderr(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** Kills the child at once (SIGKILL: no shutdown hook runs, nothing is flushed or cleaned) and reaps it. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the child " + pid() + " survived SIGKILL for 30 s: " + command);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

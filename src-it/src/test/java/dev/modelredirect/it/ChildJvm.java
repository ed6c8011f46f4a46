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
 * would run it: its own JVM, its own environment, stdout and stderr captured to files. Also an application with the
 * agent, {@code java [jvm options] [-javaagent:model-redirect.jar[=ARGS]] -cp CLASSPATH MAIN ARGS} (through
 * {@link #app}), and other programs the tests need (through {@link #program}).
 *
 * <p>The child's environment is the test JVM's minus every variable that would change the product's configuration
 * ({@code MODEL_REDIRECT_*}, {@code HF_*}, {@code DJL_*}, {@code ENGINE_CACHE_DIR}, {@code PYTORCH_*},
 * {@code TOKENIZERS_*}), plus {@code OPT_OUT_TRACKING=true} (a test may remove it), plus
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
        private final Kind kind;
        private final String mainClass;
        private final List<Path> classpath = new ArrayList<>();
        private String agentArgs;
        private boolean agent;
        private Path javaHome = Path.of(System.getProperty("java.home"));

        private Builder(Path directory, Kind kind, String mainClass, List<String> args) {
            this.directory = directory;
            this.kind = kind;
            this.mainClass = mainClass;
            this.args.addAll(args);
        }

        /**
         * Starts the application with {@code -javaagent:model-redirect.jar=ARGS} ({@code -javaagent:model-redirect.jar}
         * when {@code args} is null or empty). Applications start without the agent unless this is called.
         */
        public Builder agent(String args) {
            agent = true;
            agentArgs = args;
            return this;
        }

        /** Entries of the application's class path, in order. */
        public Builder classpath(List<Path> entries) {
            classpath.addAll(entries);
            return this;
        }

        /** The JDK (or JRE) whose {@code bin/java} runs the child; the test JVM's own by default. */
        public Builder javaHome(Path home) {
            javaHome = home;
            return this;
        }

        /** A JVM option such as {@code -Xmx64m} or {@code -Dkey=value}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        /** Sets a variable of the child's environment; a null value removes it. */
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
                if (kind != Kind.PROGRAM) {
                    command.add(javaHome.resolve("bin").resolve("java").toString());
                    command.addAll(jvmOptions);
                }
                if (kind == Kind.CLI) {
                    command.add("-jar");
                    command.add(agentJar().toString());
                } else if (kind == Kind.APP) {
                    if (agent) {
                        command.add("-javaagent:" + agentJar()
                                + (agentArgs == null || agentArgs.isEmpty() ? "" : "=" + agentArgs));
                    }
                    if (!classpath.isEmpty()) {
                        command.add("-cp");
                        command.add(String.join(java.io.File.pathSeparator,
                                classpath.stream().map(Path::toString).toList()));
                    }
                    command.add(mainClass);
                }
                command.addAll(args);
                ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                        .redirectInput(ProcessBuilder.Redirect.PIPE);
                Map<String, String> childEnv = builder.environment();
                childEnv.keySet().removeIf(name -> name.startsWith("MODEL_REDIRECT_") || name.startsWith("HF_")
                        || name.startsWith("DJL_") || name.equals("ENGINE_CACHE_DIR") || name.startsWith("PYTORCH_")
                        || name.startsWith("TOKENIZERS_") || name.startsWith("JAVA_TOOL_OPTIONS")
                        || name.equals("_JAVA_OPTIONS") || name.equals("JDK_JAVA_OPTIONS")
                        || name.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy")
                        || name.equals("SSL_CERT_FILE") || name.equals("REQUESTS_CA_BUNDLE"));
                childEnv.put("OPT_OUT_TRACKING", "true");
                childEnv.put("HF_HOME", dir.resolve("hf-home").toString());
                env.forEach((name, value) -> {
                    if (value == null) {
                        childEnv.remove(name);
                    } else {
                        childEnv.put(name, value);
                    }
                });
                long start = System.nanoTime();
                Process process = builder.start();
                process.getOutputStream().close();
                return new ChildJvm(process, String.join(" ", command), stdout, stderr, start);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    private enum Kind { CLI, APP, PROGRAM }

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
        return new Builder(folder, Kind.CLI, null, List.of(args));
    }

    /**
     * A child that will run an application, {@code java [jvm options] [-javaagent:model-redirect.jar[=ARGS]] -cp
     * CLASSPATH MAIN ARGS}, in {@code folder}, with the same clean environment as the command line's children; no
     * agent unless {@link Builder#agent} is called.
     */
    public static Builder app(Path folder, String mainClass, String... args) {
        return new Builder(folder, Kind.APP, mainClass, List.of(args));
    }

    /**
     * A child that will run another program ({@code node}, {@code npm}) in {@code folder}, with the same environment
     * and output capture as the JVMs.
     */
    public static Builder program(Path folder, String... command) {
        return new Builder(folder, Kind.PROGRAM, null, List.of(command));
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

    /** The command line the child was started with, for messages. */
    public String command() {
        return command;
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

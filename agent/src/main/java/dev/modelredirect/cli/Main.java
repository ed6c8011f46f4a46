package dev.modelredirect.cli;

import dev.modelredirect.fetch.Http;
import java.io.PrintStream;
import java.util.List;

/**
 * The command line: {@code java -jar model-redirect.jar COMMAND [options]}. Exit codes: 0 success, 1 failure, 2 usage
 * error. {@code --help} on every command.
 */
public final class Main {
    /** The commands, in the order of the usage text. */
    static final List<String> COMMANDS = List.of("pull", "which", "publish", "serve", "list", "verify", "rm", "gc",
            "doctor", "migrate", "export", "import");

    /**
     * The command named {@code name}, or null. Only the command that runs is loaded: loading all twelve (and what
     * their signatures name) cost a command line some 10 ms of its start.
     */
    static Command command(String name) {
        return switch (name) {
            case "pull" -> new PullCommand();
            case "which" -> new WhichCommand();
            case "publish" -> new PublishCommand();
            case "serve" -> new ServeCommand();
            case "list" -> new ListCommand();
            case "verify" -> new VerifyCommand();
            case "rm" -> new RmCommand();
            case "gc" -> new GcCommand();
            case "doctor" -> new DoctorCommand();
            case "migrate" -> new MigrateCommand();
            case "export" -> new ExportCommand();
            case "import" -> new ImportCommand();
            default -> null;
        };
    }

    public static void main(String[] args) {
        System.exit(new Main().run(args, System.out, System.err));
    }

    /** Runs one command line and returns its exit code; never calls {@code System.exit}. */
    int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        if (args[0].equals("--version")) {
            out.println("model-redirect " + Http.version());
            return 0;
        }
        Command command = command(args[0]);
        if (command == null) {
            err.println("model-redirect: unknown command '" + args[0] + "'; commands: "
                    + String.join(", ", COMMANDS) + ". See `java -jar model-redirect.jar --help`");
            return 2;
        }
        try {
            return command.run(args, out, err);
        } catch (UsageException ex) {
            err.println("model-redirect: " + ex.getMessage() + ". See `java -jar model-redirect.jar " + command.name()
                    + " --help`");
            return 2;
        }
    }

    private String usage() {
        StringBuilder text = new StringBuilder("Usage: java -jar model-redirect.jar COMMAND [options]\n\n"
                + "A local, verified, shareable model store for JVM applications.\n\nCommands:\n");
        for (String name : COMMANDS) {
            Command command = command(name);
            text.append(String.format("  %-8s %s%n", command.name(), command.summary()));
        }
        text.append("\nEach command has --help. As a Java agent: java -javaagent:model-redirect.jar[=key=value,...] "
                + "-jar app.jar");
        return text.toString();
    }
}

package dev.modelredirect.cli;

import dev.modelredirect.fetch.Http;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line: {@code java -jar model-redirect.jar COMMAND [options]}. Exit codes: 0 success, 1 failure, 2 usage
 * error. {@code --help} on every command.
 */
public final class Main {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    Main() {
        for (Command command : new Command[] {new PullCommand(), new WhichCommand(), new PublishCommand(),
                new ServeCommand(), new ListCommand(), new VerifyCommand(), new RmCommand(), new GcCommand(),
                new DoctorCommand(), new MigrateCommand(), new ExportCommand(), new ImportCommand()}) {
            commands.put(command.name(), command);
        }
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
        Command command = commands.get(args[0]);
        if (command == null) {
            err.println("model-redirect: unknown command '" + args[0] + "'; commands: "
                    + String.join(", ", commands.keySet()) + ". See `java -jar model-redirect.jar --help`");
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
        for (Command command : commands.values()) {
            text.append(String.format("  %-8s %s%n", command.name(), command.summary()));
        }
        text.append("\nEach command has --help. As a Java agent: java -javaagent:model-redirect.jar[=key=value,...] "
                + "-jar app.jar");
        return text.toString();
    }
}

package dev.modelredirect.it.apps;

/** An application without DJL: prints two lines and exits with the code given as first argument (default 0). */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("main started");
        System.out.println("hello " + String.join(" ", args));
        System.exit(args.length > 0 ? Integer.parseInt(args[0]) : 0);
    }
}

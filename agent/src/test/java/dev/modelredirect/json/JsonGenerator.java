package dev.modelredirect.json;

import java.util.Random;

/**
 * Random valid JSON texts for the differential tests: nested objects and arrays, strings with every kind of escape
 * (surrogates, controls, the non-ASCII written raw and escaped), integers from zero to past {@code long}, decimals
 * and exponents, and whitespace of every allowed kind between tokens.
 */
final class JsonGenerator {
    private static final String[] WHITESPACE = {"", "", "", " ", "\n", "\t", "\r\n", "  "};
    private final Random random;
    private int keys;

    JsonGenerator(Random random) {
        this.random = random;
    }

    /** One document: usually an object or array, sometimes a scalar. */
    String document() {
        StringBuilder out = new StringBuilder();
        space(out);
        value(out, random.nextInt(10) == 0 ? 5 : 0);
        space(out);
        return out.toString();
    }

    private void value(StringBuilder out, int depth) {
        int kind = depth < 6 && random.nextInt(3) == 0 ? random.nextInt(2) : 2 + random.nextInt(6);
        switch (kind) {
            case 0 -> {
                out.append('{');
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    space(out);
                    out.append('"').append("k").append(keys++).append(random.nextBoolean() ? "\\u00e9" : "")
                            .append('"');
                    space(out);
                    out.append(':');
                    space(out);
                    value(out, depth + 1);
                    space(out);
                    if (i + 1 < n) {
                        out.append(',');
                    }
                }
                space(out);
                out.append('}');
            }
            case 1 -> {
                out.append('[');
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    space(out);
                    value(out, depth + 1);
                    space(out);
                    if (i + 1 < n) {
                        out.append(',');
                    }
                }
                out.append(']');
            }
            case 2, 3 -> string(out);
            case 4, 5 -> number(out);
            case 6 -> out.append(random.nextBoolean() ? "true" : "false");
            default -> out.append("null");
        }
    }

    private void string(StringBuilder out) {
        out.append('"');
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(10)) {
                case 0 -> out.append("\\\"\\\\\\/\\b\\f\\n\\r\\t".substring(random.nextInt(8) * 2).substring(0, 2));
                case 1 -> out.append(String.format("\\u%04x", random.nextInt(0x10000)));
                case 2 -> out.append(String.format("\\u%04X", 0xd800 + random.nextInt(0x800)));
                case 3 -> out.append((char) (0xa0 + random.nextInt(0xd700)));
                case 4 -> out.append("\ud83d\ude00");
                default -> out.append(" abcxyz019-_.:/{}[],".charAt(random.nextInt(20)));
            }
        }
        out.append('"');
    }

    private void number(StringBuilder out) {
        if (random.nextInt(4) == 0) {
            out.append('-');
        }
        switch (random.nextInt(5)) {
            case 0 -> out.append(random.nextInt(10));
            case 1 -> out.append(1 + random.nextInt(9)).append(Math.abs(random.nextLong()));
            case 2 -> out.append(1 + random.nextInt(9)).append("0".repeat(random.nextInt(40)));
            default -> out.append(random.nextInt(1000));
        }
        if (random.nextInt(3) == 0) {
            out.append('.').append(random.nextInt(1_000_000));
        }
        if (random.nextInt(4) == 0) {
            out.append(random.nextBoolean() ? 'e' : 'E').append(new String[] {"", "+", "-"}[random.nextInt(3)])
                    .append(random.nextInt(400));
        }
    }

    private void space(StringBuilder out) {
        out.append(WHITESPACE[random.nextInt(WHITESPACE.length)]);
    }
}

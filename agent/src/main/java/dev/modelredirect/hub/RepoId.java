package dev.modelredirect.hub;

/**
 * A Hub repository: its type and its id {@code ORG/NAME}.
 *
 * <p>Both parts are checked on construction to be plain names (letters, digits, {@code - _ .}, not {@code .} or
 * {@code ..}), so a repo id can never reach outside the cache folder it names.
 */
public record RepoId(RepoType type, String org, String name) {
    public RepoId {
        checkPart(org, "organisation");
        checkPart(name, "name");
    }

    private static void checkPart(String part, String what) {
        if (part == null || part.isEmpty() || part.length() > 96 || part.equals(".") || part.equals("..")
                || part.contains("--") || part.startsWith("-") || part.startsWith(".")) {
            throw new IllegalArgumentException("bad repository " + what + " '" + part + "'");
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c == '.';
            if (!ok) {
                throw new IllegalArgumentException("bad repository " + what + " '" + part
                        + "': only letters, digits, '-', '_' and '.' are allowed");
            }
        }
    }

    /** {@code ORG/NAME} */
    public String id() {
        return org + "/" + name;
    }

    /** The cache folder: {@code models--ORG--NAME}. */
    public String cacheFolder() {
        return type.plural() + "--" + org + "--" + name;
    }

    @Override
    public String toString() {
        return type.urlPrefix() + id();
    }
}

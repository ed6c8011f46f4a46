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

    /** Whether a folder name starts like a repository folder of the Hub cache ({@code models--}, ...). */
    public static boolean isCacheFolderName(String folder) {
        return typeOfCacheFolder(folder) != null;
    }

    /**
     * The repository a Hub cache folder holds: the inverse of {@link #cacheFolder()}.
     *
     * @throws IllegalArgumentException saying why the name is not a repository folder
     */
    public static RepoId fromCacheFolder(String folder) {
        RepoType type = typeOfCacheFolder(folder);
        if (type == null) {
            throw new IllegalArgumentException("'" + folder + "' is not a repository folder of the Hub cache layout "
                    + "(models--ORG--NAME)");
        }
        String[] parts = folder.substring(type.plural().length() + 2).split("--", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("a repository without an organisation (or with '--' in its name) "
                    + "cannot be named hf://ORG/NAME; fetch it under its full id with `pull`");
        }
        return new RepoId(type, parts[0], parts[1]);
    }

    private static RepoType typeOfCacheFolder(String folder) {
        for (RepoType type : RepoType.values()) {
            if (folder.startsWith(type.plural() + "--")) {
                return type;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return type.urlPrefix() + id();
    }
}

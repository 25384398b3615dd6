package dev.reflowkit.data.archive;

/**
 * One member of a tar or ar archive, as listed by {@link TarReader} or {@link ArReader}.
 *
 * @param name the member's path inside the archive, as stored (tar: {@code "./usr/share/x"} or
 *     {@code "package/data/x"}; ar: the name without padding or the GNU trailing {@code '/'})
 * @param size the content length in bytes
 * @param type the tar type flag ({@code '0'} regular file, {@code '5'} directory, {@code '2'}
 *     symbolic link, ...); always {@code '0'} for ar members
 */
public record ArchiveEntry(String name, long size, char type) {

    /**
     * Whether the member is a regular file.
     *
     * @return true for type {@code '0'} (or the old {@code '\0'} and the contiguous file {@code '7'})
     */
    public boolean isFile() {
        return type == '0' || type == '\0' || type == '7';
    }

    /**
     * The last component of the name.
     *
     * @return e.g. {@code "train-images-idx3-ubyte"} for {@code "package/data/train-images-idx3-ubyte"}
     */
    public String baseName() {
        String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        return n.substring(n.lastIndexOf('/') + 1);
    }

    /**
     * The name without a leading {@code "./"} or {@code "/"}.
     *
     * @return e.g. {@code "usr/share/x"} for {@code "./usr/share/x"}
     */
    public String normalizedName() {
        String n = name;
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("./") ? 2 : 1);
        }
        return n;
    }
}

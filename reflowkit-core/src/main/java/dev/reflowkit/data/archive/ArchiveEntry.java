package dev.reflowkit.data.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * One member of a tar or ar archive, as listed by {@link ArchiveReader}.
 *
 * @param name the member's path inside the archive, as stored (tar: {@code "./usr/share/x"} or
 *     {@code "package/data/x"}, long names already resolved; ar: the name without padding or the
 *     GNU trailing {@code '/'}); never trusted as a file system path
 * @param size the content length in bytes (0 for directories and links)
 * @param regularFile whether the member is a regular file (every ar member is; tar directories,
 *     links and devices are not)
 */
public record ArchiveEntry(String name, long size, boolean regularFile) {

    /**
     * The name with empty and {@code "."} components dropped, so that spellings of one path
     * compare equal; {@code ".."} components are kept, so a name that climbs never equals one
     * that does not.
     *
     * @return e.g. {@code "usr/share/x"} for {@code "./usr/share/x"}, {@code "/usr//share/./x"}
     *     or {@code "usr/share/x/"}
     */
    public String normalizedName() {
        List<String> parts = new ArrayList<>();
        for (String p : name.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }
}

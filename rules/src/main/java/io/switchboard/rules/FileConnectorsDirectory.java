package io.switchboard.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.Objects;

/**
 * The directory given for the embedded worker's file connectors ({@code --file-connectors-dir}),
 * checked at start: the file-connectors policy judges a {@code file} once, when the config is
 * decided, and the worker opens it later, so no one but the service user may change what is in the
 * directory or where it leads. Refused unless:
 * <ul>
 *   <li>it is owned by the user the replica runs as, and neither its group nor others may write it;</li>
 *   <li>each directory above it is owned by that user or by root, and is writable by no one else
 *       unless sticky ({@code /tmp}), so no one else can rename it away and put another in its place;</li>
 *   <li>it is not inside, nor above, the data directory, the keyring or the users file.</li>
 * </ul>
 * Made owner-only (0700) when missing. On a file system without Unix owners and modes only the last
 * rule applies.
 */
final class FileConnectorsDirectory {
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;

    private FileConnectorsDirectory() {
    }

    /** The directory, made if missing and real; an {@link IllegalArgumentException} saying what is wrong with it otherwise. */
    static Path require(Path directory, Collection<Path> keptApart) {
        String flag = ControlPlane.FileConnectors.FLAG + " " + directory;
        Path real;
        try {
            if (!Files.exists(directory)) {
                if (unix(directory.toAbsolutePath().getRoot())) {
                    Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(directory);
                }
            }
            real = directory.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException(flag + " is not a directory");
            }
            if (unix(real)) {
                requireOwnedAndPrivate(flag, real);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " is no directory that can be used: " + e.getMessage(), e);
        }
        for (Path kept : keptApart) {
            Path other = realOrAbsolute(kept);
            if (other.startsWith(real)) {
                throw new IllegalArgumentException(flag + " holds " + other + " (the data directory, the keyring or the users file), "
                        + "which a file connector could then read or write: give a directory of its own, outside the data directory");
            }
            if (real.startsWith(other)) {
                throw new IllegalArgumentException(flag + " is inside " + other + " (the data directory, the keyring or the users file), "
                        + "whose files a file connector could then read or write: give a directory of its own, outside the data directory");
            }
        }
        return real;
    }

    private static void requireOwnedAndPrivate(String flag, Path real) throws IOException {
        int self = ownUid();
        int owner = (Integer) Files.getAttribute(real, "unix:uid");
        int mode = (Integer) Files.getAttribute(real, "unix:mode");
        if (owner != self) {
            throw new IllegalArgumentException(flag + " is owned by uid " + owner + ", not by the user the replica runs as (uid " + self
                    + "): another user could put links there to any file the replica can read or write; give a directory the "
                    + "replica's user owns, with mode 0700");
        }
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
            throw new IllegalArgumentException(flag + " can be written by its group or by others (mode " + String.format("%04o", mode & 07777)
                    + "): they could put links there to any file the replica can read or write; chmod 0700 " + real);
        }
        for (Path above = real.getParent(); above != null; above = above.getParent()) {
            int aboveOwner = (Integer) Files.getAttribute(above, "unix:uid");
            int aboveMode = (Integer) Files.getAttribute(above, "unix:mode");
            if (aboveOwner != self && aboveOwner != 0) {
                throw new IllegalArgumentException(flag + " is under " + above + ", owned by uid " + aboveOwner
                        + ", who could put another directory in its place; give a directory under ones the replica's user or root owns");
            }
            if ((aboveMode & GROUP_OR_OTHERS_WRITE) != 0 && (aboveMode & STICKY) == 0) {
                throw new IllegalArgumentException(flag + " is under " + above + ", which others can write (mode "
                        + String.format("%04o", aboveMode & 07777) + ") and could put another directory in its place");
            }
        }
    }

    private static Path realOrAbsolute(Path path) {
        Path absolute = Objects.requireNonNull(path).toAbsolutePath().normalize();
        try {
            return Files.exists(absolute) ? absolute.toRealPath() : absolute;
        } catch (IOException e) {
            return absolute;
        }
    }

    private static boolean unix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("unix");
    }

    /** The user the process runs as: the owner of its own {@code /proc} entry, else of a file it makes. */
    private static int ownUid() throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.exists(self)) {
            return (Integer) Files.getAttribute(self, "unix:uid");
        }
        Path made = Files.createTempFile("switchboard-uid", "");
        try {
            return (Integer) Files.getAttribute(made, "unix:uid");
        } finally {
            Files.deleteIfExists(made);
        }
    }
}

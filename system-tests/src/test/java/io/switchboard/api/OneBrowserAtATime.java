package io.switchboard.api;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The browser tests one at a time, whichever test JVM runs them: a class that drives Chromium holds
 * a lock on a file in the build directory from before its replica starts until after it stops. Two
 * of them at once (a browser, a replica and a worker each) on a small machine left a click's answer
 * unseen past its minute. Their names keep them apart in the run order (reverse alphabetical), so
 * that while one holds the lock the other test JVMs are running other classes, not waiting for it.
 */
final class OneBrowserAtATime implements BeforeAllCallback, AfterAllCallback {
    private static final Path LOCK = Path.of("target", "browser-tests.lock");
    private FileChannel channel;
    private FileLock lock;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        Files.createDirectories(LOCK.toAbsolutePath().getParent());
        channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = channel.lock();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (lock != null) {
                lock.release();
            }
        } finally {
            if (channel != null) {
                channel.close();
            }
        }
    }
}

/*
 * A full data disk for one process, without root: preloaded (LD_PRELOAD) into a replica, it makes
 * every write to a file under DISKFULL_DIR fail with ENOSPC while the file DISKFULL_FLAG exists, as
 * a full filesystem does. Files can still be opened, read, renamed and deleted; other files (logs
 * elsewhere) and sockets are untouched. The flag is looked at every 100 ms, so the fault costs a
 * clock read per write while it is off, and a readlink per write while it is on.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static const char *dir;
static size_t dir_len;
static const char *flag;
static volatile long next_check_ms;
static volatile int full;

__attribute__((constructor)) static void init(void) {
    dir = getenv("DISKFULL_DIR");
    flag = getenv("DISKFULL_FLAG");
    if (dir == NULL || flag == NULL || dir[0] == '\0') {
        flag = NULL;
        return;
    }
    dir_len = strlen(dir);
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Whether a write to this descriptor finds the disk full now. */
static int disk_full(int fd) {
    if (flag == NULL) {
        return 0;
    }
    long now = now_ms();
    if (now >= next_check_ms) {
        full = access(flag, F_OK) == 0;
        next_check_ms = now + 100;
    }
    if (!full) {
        return 0;
    }
    char link[64];
    char path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) {
        return 0;
    }
    path[n] = '\0';
    return strncmp(path, dir, dir_len) == 0;
}

#define REAL(name) static __typeof__(name) *real; if (real == NULL) real = (__typeof__(name) *) dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t count) {
    REAL(write);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, buf, count);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    REAL(pwrite);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t offset) {
    REAL(pwrite64);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt) {
    REAL(writev);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, iov, iovcnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    REAL(pwritev);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, iov, iovcnt, offset);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off64_t offset) {
    REAL(pwritev64);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, iov, iovcnt, offset);
}

int fallocate(int fd, int mode, off_t offset, off_t len) {
    REAL(fallocate);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, mode, offset, len);
}

int fallocate64(int fd, int mode, off64_t offset, off64_t len) {
    REAL(fallocate64);
    if (disk_full(fd)) { errno = ENOSPC; return -1; }
    return real(fd, mode, offset, len);
}

int posix_fallocate(int fd, off_t offset, off_t len) {
    REAL(posix_fallocate);
    if (disk_full(fd)) { return ENOSPC; }
    return real(fd, offset, len);
}

int posix_fallocate64(int fd, off64_t offset, off64_t len) {
    REAL(posix_fallocate64);
    if (disk_full(fd)) { return ENOSPC; }
    return real(fd, offset, len);
}

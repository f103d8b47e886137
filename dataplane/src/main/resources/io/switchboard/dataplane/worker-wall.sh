# The embedded worker's wall (WorkerWall): run by unshare in a user, mount, PID, IPC and UTS
# namespace of its own, as root of that user namespace only (the replica's user outside it).
# Arguments: ROOT WORKDIR, then pairs MODE PATH up to "--", then the command. MODE r binds PATH
# read-only, w writable, and h hides it (an empty directory, or an empty file, in its place) where
# one of those holds it. It builds a root file system on a tmpfs at ROOT that holds the system's programs and
# libraries (read-only), a /proc of the new PID namespace, its own /tmp and a few devices, and each
# PATH given at the same place; makes it the root, drops the old one, and runs the command in
# WORKDIR with no capability left and no way to gain one.
set -eu
root=$1; work=$2; shift 2
mkdir -p "$root"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root"
for d in usr bin sbin lib lib32 lib64 libx32 etc; do
  if [ -L "/$d" ]; then
    ln -s "$(readlink "/$d")" "$root/$d"
  elif [ -d "/$d" ]; then
    mkdir -p "$root/$d"; mount --rbind "/$d" "$root/$d"; mount -o remount,bind,ro "$root/$d"
  fi
done
mkdir -p "$root/proc" "$root/tmp" "$root/dev"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev"
for f in null zero full random urandom tty; do
  : > "$root/dev/$f"; mount --bind "/dev/$f" "$root/dev/$f"
done
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"; ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"
mkdir "$root/dev/shm"; mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
while [ "$1" != "--" ]; do
  mode=$1; path=$2; shift 2
  if [ "$mode" = h ]; then
    # A directory becomes an empty one that can be passed through (to the worker's own) but not
    # listed; a file, an empty one that cannot be opened.
    if [ -d "$root$path" ]; then mount -t tmpfs -o mode=0111,size=4k,nosuid,nodev tmpfs "$root$path"
    elif [ -e "$root$path" ]; then
      [ -e "$root/.hidden" ] || { : > "$root/.hidden"; chmod 000 "$root/.hidden"; }
      mount --bind "$root/.hidden" "$root$path"
    fi
    continue
  fi
  if [ -d "$path" ]; then mkdir -p "$root$path"; else mkdir -p "$root${path%/*}"; : > "$root$path"; fi
  mount --bind "$path" "$root$path"
  if [ "$mode" = r ]; then mount -o remount,bind,ro "$root$path"; fi
done
shift
mkdir "$root/.old"
cd "$root"
pivot_root . .old
umount -l /.old
rmdir /.old
cd "$work"
exec env -u PWD -u OLDPWD setpriv --no-new-privs --bounding-set=-all --inh-caps=-all "$@"

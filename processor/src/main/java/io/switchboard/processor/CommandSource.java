package io.switchboard.processor;

/**
 * The command topic as the command topology reads it.
 *
 * @param partitions how many partitions it has: a command is decided only in the partition its key names
 * @param log        the topic read again, from which each task rebuilds the ids it admitted lately
 */
public record CommandSource(int partitions, CommandLog log) {
}

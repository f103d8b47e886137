package io.switchboard.http;

import io.javalin.http.Context;
import org.eclipse.jetty.util.InetAddressSet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who the client of a request is, for everything kept per client address (the limit of failed
 * logins, the sign-in form's bodies, the anonymous rate limit, the failed-login log):
 * {@code --trusted-proxies} (addresses and CIDR ranges of reverse proxies, comma-separated). A
 * request whose TCP peer is not one of them is the peer's, whatever it sends: its
 * {@code X-Forwarded-For} is not read at all. From a trusted proxy, the header's addresses are read
 * from the right (each proxy appends the address it was reached from), skipping trusted proxies, and
 * the first one that is not a trusted proxy is the client; an entry that is not an IP address
 * (a name, {@code unknown}, a port) ends the walk at the hop before it. Without the flag the client
 * is always the peer.
 *
 * <p>Addresses are only ever parsed as literals: no name is looked up, in the flag or in a header.
 * The ranges are matched by Jetty's {@link InetAddressSet}.
 */
public final class ClientAddresses {
    /** The header a reverse proxy names the client in. */
    public static final String HEADER = "X-Forwarded-For";
    /** Request attribute holding the client's address, once {@link #assign} ran. */
    static final String ATTRIBUTE = "switchboard.clientAddress";
    /** Hops of a header read at most, from the right: a longer chain names no client this replica can trust further. */
    static final int MAX_HOPS = 32;
    /** The IPv6 prefix a client is counted by in the limits, unless told otherwise ({@code --ipv6-limit-prefix}). */
    public static final int DEFAULT_IPV6_PREFIX = 64;
    /** Request attribute holding the key the limits count the client by, once {@link #assign} ran. */
    static final String LIMIT_ATTRIBUTE = "switchboard.clientLimitKey";
    private static final ClientAddresses NONE = new ClientAddresses(null, List.of(), DEFAULT_IPV6_PREFIX);
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final InetAddressSet trusted;
    private final List<String> given;
    private final int ipv6Prefix;

    private ClientAddresses(InetAddressSet trusted, List<String> given, int ipv6Prefix) {
        this.trusted = trusted;
        this.given = given;
        this.ipv6Prefix = ipv6Prefix;
    }

    /**
     * The same, counting an IPv6 client in the limits by its {@code /prefix} (1 to 128; 128: each
     * address on its own).
     *
     * @throws IllegalArgumentException for a prefix out of range, naming the flag
     */
    public ClientAddresses withIpv6Prefix(int prefix) {
        if (prefix < 1 || prefix > 128) {
            throw new IllegalArgumentException("--ipv6-limit-prefix takes a prefix length from 1 to 128, not " + prefix);
        }
        return new ClientAddresses(trusted, given, prefix);
    }

    /** The IPv6 prefix length a client is counted by in the limits. */
    public int ipv6Prefix() {
        return ipv6Prefix;
    }

    /**
     * The proxies of {@code --trusted-proxies}: {@code ADDRESS} or {@code ADDRESS/PREFIX}, IPv4 or
     * IPv6, comma-separated; null or blank: none.
     *
     * @throws IllegalArgumentException for an entry that is not one, naming it
     */
    public static ClientAddresses parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        InetAddressSet set = new InetAddressSet();
        List<String> given = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String address = slash < 0 ? entry : entry.substring(0, slash);
            InetAddress parsed = literal(address);
            if (parsed == null || (slash >= 0 && !prefixFits(entry.substring(slash + 1), parsed.getAddress().length * 8))) {
                throw new IllegalArgumentException("--trusted-proxies takes IP addresses and CIDR ranges separated by commas, "
                        + "such as 10.0.0.0/8,fd00::/8,192.168.1.7; not '" + entry + "'");
            }
            set.add(slash < 0 ? parsed.getHostAddress() : parsed.getHostAddress() + entry.substring(slash));
            given.add(entry);
        }
        return given.isEmpty() ? NONE : new ClientAddresses(set, List.copyOf(given), DEFAULT_IPV6_PREFIX);
    }

    /** Whether any proxy is trusted. */
    public boolean any() {
        return trusted != null;
    }

    /** The proxies as given. */
    public List<String> trustedProxies() {
        return given;
    }

    /**
     * The client's address of a request from {@code peer} carrying these {@code X-Forwarded-For}
     * headers, in the order received.
     */
    public String client(String peer, List<String> forwarded) {
        if (trusted == null || !isTrusted(literal(peer)) || forwarded.isEmpty()) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwarded) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        String client = peer;
        for (int i = hops.size() - 1, read = 0; i >= 0 && read < MAX_HOPS; i--, read++) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return client;
            }
            client = hop.getHostAddress();
            if (!isTrusted(hop)) {
                return client;
            }
        }
        return client;
    }

    /** Records the request's client address, for {@link #of}: the first thing done with every request. */
    public void assign(Context ctx) {
        String client = ctx.req().getRemoteAddr();
        if (trusted != null) {
            client = client(client, Collections.list(ctx.req().getHeaders(HEADER)));
            ctx.attribute(ATTRIBUTE, client);
        }
        ctx.attribute(LIMIT_ATTRIBUTE, limitKey(client, ipv6Prefix));
    }

    /** The key a client is limited by, for {@code address}, by the default IPv6 prefix ({@link #limitKey(String, int)}). */
    public static String limitKey(String address) {
        return limitKey(address, DEFAULT_IPV6_PREFIX);
    }

    /**
     * The key a client is limited by, for {@code address}: an IPv4 address itself; an IPv6 address's
     * {@code /prefix} (written {@code 2001:db8:1:2::/64}), since one client may be given a whole
     * prefix and rotate through it; a /128 is the address itself. Anything else as it is.
     */
    public static String limitKey(String address, int prefix) {
        InetAddress parsed = literal(address);
        if (!(parsed instanceof Inet6Address)) {
            return parsed == null ? address : parsed.getHostAddress();
        }
        byte[] bytes = Arrays.copyOf(parsed.getAddress(), 16);
        for (int bit = prefix; bit < 128; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return compressed(bytes) + "/" + prefix;
    }

    /** An IPv6 address as RFC 5952 writes it: lower-case groups, the longest run of two or more zero groups as {@code ::}. */
    private static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    /** The request's client, as the limits kept per client count it: as {@link #assign} keyed it, else by the default prefix. */
    public static String limitKeyOf(Context ctx) {
        String assigned = ctx.attribute(LIMIT_ATTRIBUTE);
        return assigned != null ? assigned : limitKey(of(ctx));
    }

    /** The request's client address: as {@link #assign} found it, else the TCP peer. */
    public static String of(Context ctx) {
        String assigned = ctx.attribute(ATTRIBUTE);
        return assigned != null ? assigned : ctx.ip();
    }

    private boolean isTrusted(InetAddress address) {
        return address != null && trusted.test(address);
    }

    /** An IP address written as a literal, IPv6 maybe in brackets; null for anything else (nothing is looked up). */
    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String address = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            if (IPV4.matcher(address).matches()) {
                return InetAddress.getByName(address);
            }
            if (IPV6.matcher(address).matches()) {
                // In brackets, the JDK takes it as an IPv6 literal or refuses it: it never asks DNS.
                return InetAddress.getByName("[" + address + "]");
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    private static boolean prefixFits(String prefix, int bits) {
        if (!prefix.matches("\\d{1,3}")) {
            return false;
        }
        int length = Integer.parseInt(prefix);
        return length <= bits;
    }
}

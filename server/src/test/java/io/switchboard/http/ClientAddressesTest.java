package io.switchboard.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --trusted-proxies}: which X-Forwarded-For is read, and which address of it is the client. */
class ClientAddressesTest {
    private final ClientAddresses proxies = ClientAddresses.parse("10.0.0.0/8, 192.168.1.7,fd00::/8");

    @Test
    void withoutTrustedProxiesTheClientIsThePeer() {
        ClientAddresses none = ClientAddresses.parse(null);
        assertFalse(none.any());
        assertEquals("10.1.2.3", none.client("10.1.2.3", List.of("203.0.113.7")));
        assertFalse(ClientAddresses.parse(" ").any());
    }

    @Test
    void anUntrustedPeersHeaderIsNotRead() {
        assertEquals("198.51.100.1", proxies.client("198.51.100.1", List.of("203.0.113.7")));
        assertEquals("192.168.1.8", proxies.client("192.168.1.8", List.of("203.0.113.7")));
    }

    @Test
    void fromATrustedProxyTheClientIsTheRightmostAddressThatIsNoProxy() {
        assertEquals("203.0.113.7", proxies.client("10.1.2.3", List.of("203.0.113.7")));
        // The client made the left part up; the proxies appended the right part.
        assertEquals("203.0.113.7", proxies.client("10.1.2.3", List.of("6.6.6.6, 203.0.113.7, 10.9.9.9")));
        assertEquals("203.0.113.7", proxies.client("192.168.1.7", List.of("6.6.6.6", "203.0.113.7,192.168.1.7")));
        assertEquals("2001:db8:0:0:0:0:0:1", proxies.client("fd00::5", List.of("2001:db8::1")));
        assertEquals("2001:db8:0:0:0:0:0:1", proxies.client("10.1.2.3", List.of("[2001:db8::1]")));
        // Every hop a trusted proxy: the leftmost.
        assertEquals("10.0.0.1", proxies.client("10.1.2.3", List.of("10.0.0.1, 10.0.0.2")));
        // No header: the proxy itself.
        assertEquals("10.1.2.3", proxies.client("10.1.2.3", List.of()));
    }

    @Test
    void anEntryThatIsNoAddressEndsTheWalkAtTheHopBeforeIt() {
        assertEquals("10.1.2.3", proxies.client("10.1.2.3", List.of("unknown")));
        assertEquals("10.1.2.3", proxies.client("10.1.2.3", List.of("203.0.113.7:4711")));
        assertEquals("10.0.0.9", proxies.client("10.1.2.3", List.of("203.0.113.7, example.com, 10.0.0.9")));
        assertEquals("10.1.2.3", proxies.client("10.1.2.3", List.of("")));
    }

    @Test
    void onlyLiteralsAreAddresses() {
        assertNull(ClientAddresses.literal("localhost"));
        assertNull(ClientAddresses.literal("1.2.3"));
        assertNull(ClientAddresses.literal("1.2.3.4.5"));
        assertNull(ClientAddresses.literal("256.1.1.1"));
        assertNull(ClientAddresses.literal("dead:beef:zz"));
        assertNull(ClientAddresses.literal("abc"));
        assertNull(ClientAddresses.literal("fe80::1%eth0"));
        assertEquals("127.0.0.1", ClientAddresses.literal("127.0.0.1").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", ClientAddresses.literal("::1").getHostAddress());
    }

    @Test
    void aListThatDoesNotReadIsRefusedNamingTheEntry() {
        for (String bad : List.of("proxy.example", "10.0.0.0/33", "10.0.0.0/", "fd00::/129", "10.0.0.1-10.0.0.9", "10.0.0.*")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ClientAddresses.parse("10.0.0.0/8," + bad));
            assertTrue(refused.getMessage().contains("--trusted-proxies") && refused.getMessage().contains("'" + bad + "'"),
                    refused.getMessage());
        }
        assertEquals(List.of("10.0.0.0/8", "::1"), ClientAddresses.parse("10.0.0.0/8,,::1").trustedProxies());
    }

    @Test
    void aClientBeyondTheTrustedHopsCannotChooseItsAddress() {
        // The client (not a proxy) wrote "1.1.1.1, 2.2.2.2"; the trusted proxy appended the client's real address.
        for (int i = 0; i < 10; i++) {
            assertEquals("203.0.113.7", proxies.client("10.1.2.3", List.of("198.51.100." + i + ", 2.2.2.2, 203.0.113.7")));
        }
    }

    @Test
    void anIpv6ClientIsLimitedPerSlash64() {
        assertEquals("2001:db8:1:2::/64", ClientAddresses.limitKey("2001:db8:1:2::1"));
        assertEquals("2001:db8:1:2::/64", ClientAddresses.limitKey("[2001:db8:1:2:ffff:ffff:ffff:ffff]"));
        assertEquals("2001:db8:1:3::/64", ClientAddresses.limitKey("2001:db8:1:3::1"));
        assertEquals("203.0.113.7", ClientAddresses.limitKey("203.0.113.7"));
        assertEquals("203.0.113.7", ClientAddresses.limitKey("::ffff:203.0.113.7"));
        assertEquals("not-an-address", ClientAddresses.limitKey("not-an-address"));
    }

    @Test
    void theIpv6PrefixCountedIsASetting() {
        assertEquals("2001:db8:1:2::10/128", ClientAddresses.limitKey("2001:db8:1:2::10", 128));
        assertEquals("2001:db8:1:2::20/128", ClientAddresses.limitKey("2001:db8:1:2::20", 128));
        assertEquals("2001:db8:1::/56", ClientAddresses.limitKey("2001:db8:1:ff::1", 56));
        assertEquals("2001:db8:1:2::/64", ClientAddresses.limitKey("2001:db8:1:2::10", ClientAddresses.DEFAULT_IPV6_PREFIX));
        assertEquals(128, ClientAddresses.parse(null).withIpv6Prefix(128).ipv6Prefix());
        assertEquals(64, ClientAddresses.parse("10.0.0.1").ipv6Prefix());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ClientAddresses.parse(null).withIpv6Prefix(0));
        assertEquals("--ipv6-limit-prefix takes a prefix length from 1 to 128, not 0", refused.getMessage());
    }
}

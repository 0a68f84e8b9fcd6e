import assert from "node:assert/strict";
import {
  isPublicAddress,
  nonPublicRange,
  privateHostProblem,
  webhookUrlProblem,
} from "./address.ts";

Deno.test("address: public unicast IPv4 and IPv6 are public", () => {
  for (const ip of ["93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1"]) {
    assert.equal(nonPublicRange(ip), null, ip);
  }
  for (const ip of ["2606:4700:4700::1111", "2a00:1450:4001:82a::200e", "::ffff:8.8.8.8"]) {
    assert.equal(isPublicAddress(ip), true, ip);
  }
  assert.equal(isPublicAddress("64:ff9b::808:808"), true, "NAT64 of 8.8.8.8");
});

Deno.test("address: each non-public IPv4 range is named", () => {
  const cases: [string, string][] = [
    ["0.0.0.0", "unspecified (this network)"],
    ["10.255.0.1", "private"],
    ["100.64.0.1", "shared (CGNAT)"],
    ["100.127.255.254", "shared (CGNAT)"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.255", "loopback"],
    ["169.254.169.254", "link-local"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.0.0.8", "IETF protocol assignment"],
    ["192.0.2.1", "documentation"],
    ["192.168.1.1", "private"],
    ["198.19.0.1", "benchmarking"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
  ];
  for (const [ip, name] of cases) assert.equal(nonPublicRange(ip), name, ip);
});

Deno.test("address: non-public IPv6, including IPv4 inside IPv6", () => {
  const cases: [string, string][] = [
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:7f00:1", "IPv4-mapped loopback"],
    ["::ffff:a9fe:a9fe", "IPv4-mapped link-local"],
    ["::127.0.0.1", "IPv4-compatible"],
    ["64:ff9b::a00:1", "NAT64 private"],
    ["2002:7f00:1::", "6to4 loopback"],
    ["2001:db8::1", "documentation"],
    ["2001::1", "IETF protocol assignment"],
    ["fc00::1", "unique local (private)"],
    ["fdff:ffff::1", "unique local (private)"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["ff02::1", "multicast"],
    ["4000::1", "reserved"],
  ];
  for (const [ip, name] of cases) assert.equal(nonPublicRange(ip), name, ip);
});

Deno.test("address: what is not an IP address is never public", () => {
  for (const s of ["", "example.com", "1.2.3", "1.2.3.256", "1:2:3", "1::2::3", "::g", "[::1]"]) {
    assert.equal(isPublicAddress(s), false, s);
  }
});

Deno.test("address: host names as the URL parser normalises them", () => {
  const host = (url: string) => privateHostProblem(new URL(url).hostname);
  for (
    const url of [
      "http://localhost/",
      "http://LOCALHOST./",
      "http://api.localhost/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://0177.0.0.1/",
      "http://127.1/",
      "http://0/",
      "http://[::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[fe80::1]/",
      "http://169.254.169.254/",
    ]
  ) {
    assert.notEqual(host(url), null, url);
  }
  assert.equal(host("http://0x7f.1/"), "127.0.0.1 is a loopback address");
  for (const url of ["https://hooks.example.com/", "http://8.8.8.8/", "http://[2606:4700::1]/"]) {
    assert.equal(host(url), null, url);
  }
  assert.equal(host("http://notlocalhost/"), null, "only localhost and its subdomains by name");
});

Deno.test("address: a webhook URL is http(s), with a host, no userinfo, no odd characters", () => {
  const bad: [string, RegExp][] = [
    ["ftp://example.com/x", /http\(s\)/],
    ["javascript:alert(1)", /http\(s\)/],
    ["http:///nohost", /host/],
    ["http:/example.com", /http\(s\)/],
    ["http://./", /host/],
    ["https://user:pass@example.com/", /user name or password/],
    ["https://@example.com/", /user name or password/],
    ["https://example.com/a\r\nX-Injected: 1", /whitespace or control/],
    ["https://exa\tmple.com/", /whitespace or control/],
    [" https://example.com/", /whitespace or control/],
    ["https://example.com/\u0000", /whitespace or control/],
    ["http://exa mple.com/", /whitespace or control/],
    ["http://[::1/", /valid URL/],
  ];
  for (const [url, why] of bad) assert.match(webhookUrlProblem(url) ?? "", why, url);
  for (
    const url of [
      "https://hooks.example.com/berth?x=1#y",
      "HTTP://Example.com:8443/a/b",
      "http://127.0.0.1:9/x",
      "https://example.com/path@with-at",
    ]
  ) {
    assert.equal(webhookUrlProblem(url), null, url);
  }
});

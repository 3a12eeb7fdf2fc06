// The ZGW notification's resourceUrl: the hub sends its Zaken API token there, so only a URL
// inside the configured Zaken API passes — checked by parsing, not by prefix.
#include <catch2/catch.hpp>

#include "inbound/zgw_rol_lookup.hpp"

using namespace eenplan::inbound;

namespace {
const std::string api = "https://zaken.x.nl/zaken/api/v1";

bool refused(const std::string& url, const std::string& zaken_api = api) {
    const auto checked = check_resource_url(url, zaken_api);
    if (checked.ok()) return false;
    for (const auto& p : checked.problems()) {
        CHECK(p.pointer == "/resourceUrl");
        CHECK(p.detail.find("evil") == std::string::npos);  // the value is never repeated
    }
    return true;
}
}  // namespace

SCENARIO("a rol URL inside the configured Zaken API passes", "[ingest][security]") {
    const auto checked = check_resource_url("https://zaken.x.nl/zaken/api/v1/rollen/9", api);
    REQUIRE(checked.ok());
    CHECK(checked->scheme == "https");
    CHECK(checked->host == "zaken.x.nl");
    CHECK(checked->port == 443);
    CHECK(checked->path_and_query == "/zaken/api/v1/rollen/9");
    CHECK(check_resource_url("https://ZAKEN.x.nl:443/zaken/api/v1/rollen/9", api).ok());
    CHECK(
        check_resource_url("http://127.0.0.1:8123/zaken/api/v1/rollen/1", "http://127.0.0.1:8123/zaken/api/v1/").ok());
}

SCENARIO("look-alike hosts, userinfo, other ports and schemes are refused", "[ingest][security]") {
    CHECK(refused("https://zaken.x.nl.evil.tld/zaken/api/v1/rollen/9"));
    CHECK(refused("https://zaken.x.nl@evil.tld/zaken/api/v1/rollen/9"));
    CHECK(refused("https://user:pw@zaken.x.nl/zaken/api/v1/rollen/9"));
    CHECK(refused("https://zaken.x.nl:8443/zaken/api/v1/rollen/9"));
    CHECK(refused("http://zaken.x.nl/zaken/api/v1/rollen/9"));           // plain http, not loopback
    CHECK(refused("http://127.0.0.1:8123/zaken/api/v1/rollen/1", api));  // loopback, but not the configured API
    CHECK(refused("ftp://zaken.x.nl/zaken/api/v1/rollen/9"));
    CHECK(refused("https://evil.tld/zaken/api/v1/rollen/9"));
    CHECK(refused("//evil.tld/zaken/api/v1/rollen/9"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen/9#evil"));
}

SCENARIO("paths outside the base path or not normalised are refused", "[ingest][security]") {
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/../../admin/evil"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen/../../../evil"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/%2e%2e/%2E%2E/evil"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/./rollen/9"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1//rollen/9"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v10/rollen/9"));  // a prefix of the path, not below it
    CHECK(refused("https://zaken.x.nl/zaken/api/v1"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/"));
    CHECK(refused("https://zaken.x.nl/other/evil"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen\\..\\..\\evil"));
}

SCENARIO("CR, LF and other control characters anywhere are refused", "[ingest][security]") {
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen/9?x=1\r\nHost: evil.tld"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen/9\nX-Evil: 1"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen/9\r"));
    CHECK(refused(std::string("https://zaken.x.nl/zaken/api/v1/rollen/9\0evil", 42)));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen/9 HTTP/1.1"));
    CHECK(refused("https://zaken.x.nl/zaken/api/v1/rollen/9\t"));
    CHECK(refused(std::string(5000, 'a')));
    // Encoded, a CR/LF stays encoded on the request line: it cannot split the request.
    const auto encoded = check_resource_url("https://zaken.x.nl/zaken/api/v1/rollen/9?x=%0d%0aHost:%20evil", api);
    if (encoded.ok()) {
        CHECK(encoded->path_and_query.find('\r') == std::string::npos);
        CHECK(encoded->path_and_query.find('\n') == std::string::npos);
    }
}

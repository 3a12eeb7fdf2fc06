// Secrets kept out of the settings file (`secret_file`, `secrets_file`, `authorization_file`), and
// key and secret files that group or others may read refused at start-up, naming the path and the
// mode, never the content.
#include <catch2/catch.hpp>

#include "config/config.hpp"
#include "config/secret_files.hpp"
#include "support/files.hpp"
#include "support/service_process.hpp"

using namespace eenplan;
using namespace eenplan::service;
using namespace eenplan::testing;

namespace {

constexpr const char* secret_a = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* secret_b = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

const std::string head =
    "listen: {address: 127.0.0.1, port: 0}\n"
    "database: {backend: sqlite, connection: \"db=x.db\"}\n"
    "keys: {pseudonym_keys: [{version: 1, file: hub.key}]}\n";

std::string details(const Problems& problems) {
    std::string out;
    for (const Problem& p : problems) out += p.pointer + ": " + p.detail + "\n";
    return out;
}

}  // namespace

SCENARIO("secrets are read from files the settings name", "[security][config]") {
    TempDir dir;
    const std::string base = dir.path().string();

    GIVEN("a source's secrets in a file of mode 0600, one a line, with a comment") {
        write_secret_file(dir.path() / "school-a.secrets",
                          std::string("# rotating: old and new\n") + secret_a + "\n\n" + secret_b + "\n");
        const auto config = parse_config(head + "sources: [{id: school-a, secrets_file: school-a.secrets}]\n", base);
        THEN("both secrets are configured") {
            REQUIRE(config.ok());
            CHECK(config->sources.at(0).secrets.size() == 2);
        }
    }
    GIVEN("a ZGW source with its authorization and secret in files") {
        write_secret_file(dir.path() / "zgw.authorization", "Token 7d3e0f1a2b4c5d6e7f8091a2b3c4d5e6\n");
        write_secret_file(dir.path() / "zgw.secret", "jwt-zgw-secret-of-some-length\n");
        const auto config = parse_config(
            head + "sources:\n  - id: zaken\n    secrets: [" + secret_a +
                "]\n    notifications:\n      authorization_file: zgw.authorization\n"
                "      zaken_api: https://zaken.example.nl/zaken/api/v1\n      client_id: eenplan\n"
                "      secret_file: zgw.secret\n"
                "      zaaktypes: [{zaaktype: \"https://zaken.example.nl/catalogi/api/v1/zaaktypen/1\", provider: "
                "jeugdteam}]\n",
            base);
        THEN("the values are the files' contents without the line end") {
            REQUIRE(config.ok());
            CHECK(config->sources.at(0).notifications->authorization == "Token 7d3e0f1a2b4c5d6e7f8091a2b3c4d5e6");
            CHECK(config->sources.at(0).notifications->secret == "jwt-zgw-secret-of-some-length");
        }
    }
    GIVEN("recipients with their secrets in files") {
        write_secret_file(dir.path() / "task.secret", std::string(secret_b) + "\n");
        write_secret_file(dir.path() / "zgw.secret", "jwt-zgw-secret-of-some-length\n");
        const auto config = parse_config(
            head + "sources: [{id: school-a, secrets: [" + secret_a +
                "]}]\nrecipients:\n"
                "  - {id: gm0518, connector: webhook, url: \"https://taken.example.nl/t\", secret_file: task.secret}\n"
                "  - id: gm0603\n    connector: zgw\n    url: https://zaken.example.nl/zaken/api/v1\n    zgw:\n"
                "      client_id: eenplan\n      secret_file: zgw.secret\n"
                "      zaaktype: https://zaken.example.nl/catalogi/api/v1/zaaktypen/1\n"
                "      statustype: https://zaken.example.nl/catalogi/api/v1/statustypen/1\n"
                "      bronorganisatie: \"002220647\"\n      verantwoordelijke_organisatie: \"001234565\"\n",
            base);
        THEN("both are read") {
            REQUIRE(config.ok());
            CHECK(config->recipients.at(0).secret.size() == 24);
            CHECK(config->recipients.at(1).zgw->secret == "jwt-zgw-secret-of-some-length");
        }
    }
    GIVEN("the database connection string in a file") {
        write_secret_file(dir.path() / "db.connection", "host=127.0.0.1 dbname=eenplan password=geheim\n");
        const auto config = parse_config(
            "listen: {address: 127.0.0.1, port: 0}\n"
            "database: {backend: postgresql, connection_file: db.connection}\n"
            "keys: {pseudonym_keys: [{version: 1, file: hub.key}]}\n"
            "sources: [{id: school-a, secrets: [" +
                std::string(secret_a) + "]}]\n",
            base);
        THEN("it is the connection") {
            REQUIRE(config.ok());
            CHECK(config->database.connection == "host=127.0.0.1 dbname=eenplan password=geheim");
        }
    }
    GIVEN("a secrets file that group and others may read") {
        write_file(dir.path() / "open.secrets", std::string(secret_a) + "\n");
        std::filesystem::permissions(dir.path() / "open.secrets", std::filesystem::perms::others_read,
                                     std::filesystem::perm_options::add);
        const auto config = parse_config(head + "sources: [{id: school-a, secrets_file: open.secrets}]\n", base);
        THEN("it is refused, naming the path and the mode, never the content") {
            REQUIRE_FALSE(config.ok());
            const std::string text = details(config.problems());
            CHECK_THAT(text, Catch::Contains("/sources/0/secrets_file"));
            CHECK_THAT(text, Catch::Contains((dir.path() / "open.secrets").string()));
            CHECK_THAT(text, Catch::Contains("mode 06"));
            CHECK_THAT(text, Catch::Contains("chmod 600"));
            CHECK(text.find("MfKQ9r8") == std::string::npos);
        }
    }
    GIVEN("a secrets file whose line is not a secret") {
        write_secret_file(dir.path() / "bad.secrets", "not-a-secret-at-all\n");
        const auto config = parse_config(head + "sources: [{id: school-a, secrets_file: bad.secrets}]\n", base);
        THEN("it is refused at the file and line, without repeating the line") {
            REQUIRE_FALSE(config.ok());
            const std::string text = details(config.problems());
            CHECK_THAT(text, Catch::Contains("/sources/0/secrets_file (line 1)"));
            CHECK(text.find("not-a-secret") == std::string::npos);
        }
    }
    GIVEN("an authorization file shorter than the schema allows inline") {
        write_secret_file(dir.path() / "short", "Token x\n");
        write_secret_file(dir.path() / "zgw.secret", "jwt-zgw-secret-of-some-length\n");
        const auto config = parse_config(
            head + "sources:\n  - id: zaken\n    secrets: [" + secret_a +
                "]\n    notifications: {authorization_file: short, zaken_api: \"https://z.example.nl/api\", "
                "client_id: e, secret_file: zgw.secret, zaaktypes: [{zaaktype: \"https://z.example.nl/zt\", "
                "provider: jeugdteam}]}\n",
            base);
        THEN("it is refused") {
            REQUIRE_FALSE(config.ok());
            CHECK_THAT(details(config.problems()), Catch::Contains("/sources/0/notifications/authorization_file"));
        }
    }
    GIVEN("both secrets and secrets_file") {
        write_secret_file(dir.path() / "s", std::string(secret_a) + "\n");
        const auto config =
            parse_config(head + "sources: [{id: school-a, secrets: [" + secret_a + "], secrets_file: s}]\n", base);
        THEN("the schema refuses the source") { CHECK_FALSE(config.ok()); }
    }
    GIVEN("a secrets path that is a directory, or a file far larger than any secret") {
        std::filesystem::create_directory(dir.path() / "folder");
        write_secret_file(dir.path() / "huge", std::string(100 * 1024, 'x'));
        const auto folder = parse_config(head + "sources: [{id: school-a, secrets_file: folder}]\n", base);
        const auto huge = parse_config(head + "sources: [{id: school-a, secrets_file: huge}]\n", base);
        THEN("both are refused without reading them whole") {
            REQUIRE_FALSE(folder.ok());
            CHECK_THAT(details(folder.problems()), Catch::Contains("not a regular file"));
            REQUIRE_FALSE(huge.ok());
            CHECK_THAT(details(huge.problems()), Catch::Contains("larger than"));
            CHECK(details(huge.problems()).find("xxxx") == std::string::npos);
        }
    }
    GIVEN("a secrets file that does not exist") {
        const auto config = parse_config(head + "sources: [{id: school-a, secrets_file: missing}]\n", base);
        THEN("it is refused as unreadable") {
            REQUIRE_FALSE(config.ok());
            CHECK_THAT(details(config.problems()), Catch::Contains("cannot be read"));
        }
    }
}

SCENARIO("start-up refuses key and secret files that group or others may read", "[security][config]") {
    TempDir dir;
    const std::string key_text = std::string(64, 'c') + "\n";
    write_secret_file(dir.path() / "hub.key", key_text);
    write_secret_file(dir.path() / "admin.secret", std::string(40, 's') + "\n");
    const auto config = dir.path() / "eenplan.yaml";
    write_file(config, head + "admin: {jwt_secret_file: admin.secret}\nsources: [{id: school-a, secrets: [" + secret_a +
                           "]}]\n");

    WHEN("every file is 0600") {
        THEN("the configuration passes") {
            const auto [code, output] = run_service_once(config, "--check-config");
            CHECK(code == 0);
            CHECK(output.find("mode") == std::string::npos);
        }
    }
    WHEN("the pseudonym key file is group-readable (0640)") {
        std::filesystem::permissions(dir.path() / "hub.key", std::filesystem::perms::group_read,
                                     std::filesystem::perm_options::add);
        const auto [code, output] = run_service_once(config, "");
        THEN("the service stops before anything is opened, naming the path and the mode") {
            CHECK(code == 78);
            CHECK_THAT(output, Catch::Contains("/keys/pseudonym_keys/0/file"));
            CHECK_THAT(output, Catch::Contains((dir.path() / "hub.key").string()));
            CHECK_THAT(output, Catch::Contains("mode 0640"));
            CHECK(output.find("cccccccc") == std::string::npos);
            CHECK_FALSE(std::filesystem::exists(dir.path() / "x.db"));
        }
    }
    WHEN("the admin token key is world-readable (0604)") {
        std::filesystem::permissions(dir.path() / "admin.secret", std::filesystem::perms::others_read,
                                     std::filesystem::perm_options::add);
        const auto [code, output] = run_service_once(config, "--check-config");
        THEN("it is refused too") {
            CHECK(code == 78);
            CHECK_THAT(output, Catch::Contains("/admin/jwt_secret_file"));
            CHECK_THAT(output, Catch::Contains("mode 0604"));
            CHECK(output.find("ssssssss") == std::string::npos);
        }
    }
    WHEN("the configuration's key files are checked directly") {
        auto parsed = load_config(config.string());
        REQUIRE(parsed.ok());
        THEN("every key path the configuration names is among them") {
            const auto files = secret_file_paths(parsed.value());
            CHECK(files.size() == 2);
            CHECK(check_secret_file_modes(parsed.value()).empty());
        }
    }
}

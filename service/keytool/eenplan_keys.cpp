// eenplan-keys: the key server's tool for polymorphic pseudonyms.
//   eenplan-keys generate <master.yaml>                 new master keys (0600); prints the public key
//   eenplan-keys public-key <master.yaml>               the public key sources encrypt under (hex)
//   eenplan-keys recipient-key <master.yaml> <domain> [version]
//                                                       a recipient's decryption key for its domain (hex);
//                                                       a version above 1 rotates it (key server's key_versions)
//   eenplan-keys encrypt <public-key-hex> bsn|onderwijsnummer   reads the number on stdin, prints pp1:...
//   eenplan-keys decrypt <recipient-key-file> <domain>  reads pp1:... lines (a task's subject, an
//                                                       encryption the key server converted for the
//                                                       domain) on stdin, prints each one's ppd1:...
//   eenplan-keys ca <ca.key> <ca.crt> <subject> [days]  a small CA (P-256) for the key server's clients
//   eenplan-keys client-certificate <ca.key> <ca.crt> <subject> <client.key> <client.crt> [days]
//                                                       a client certificate (hub, organisation); prints
//                                                       its SHA-256 fingerprint for clients[].certificate
//   eenplan-keys revoke <ca.key> <ca.crt> <crl.pem> <client.crt> [days]
//                                                       adds the certificate to the CA's revocation
//                                                       list (made if absent), valid for days (30)
//   eenplan-keys crl <ca.key> <ca.crt> <crl.pem> [days] signs the revocation list anew (before its
//                                                       nextUpdate: a key server refuses every client
//                                                       on an expired list)
// The key server's own keys are `generate`; a recipient's (the hub's: domain "hub") `recipient-key`.
// The number is read from standard input so that it stays out of shell history and process lists.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "eenplan/core/p256.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "config/secret_files.hpp"
#include "identity/key_files.hpp"
#include "keytool/certificates.hpp"

namespace {

using namespace eenplan;

// The usage on `out`; 0 when it was asked for (--help), else 64 (EX_USAGE).
int usage(std::ostream& out = std::cerr, int status = 64) {
    out << "usage:\n"
           "  eenplan-keys generate <master.yaml>\n"
           "  eenplan-keys public-key <master.yaml>\n"
           "  eenplan-keys recipient-key <master.yaml> <domain> [version]\n"
           "  eenplan-keys encrypt <public-key-hex> bsn|onderwijsnummer   (number on stdin)\n"
           "  eenplan-keys decrypt <recipient-key-file> <domain>   (pp1:... lines on stdin)\n"
           "  eenplan-keys ca <ca.key> <ca.crt> <subject> [days]\n"
           "  eenplan-keys client-certificate <ca.key> <ca.crt> <subject> <client.key> <client.crt> [days]\n"
           "  eenplan-keys revoke <ca.key> <ca.crt> <crl.pem> <client.crt> [days]\n"
           "  eenplan-keys crl <ca.key> <ca.crt> <crl.pem> [days]\n";
    return status;
}

int fail(const std::string& what, const Problems& problems) {
    std::cerr << "eenplan-keys: " << what << ": " << (problems.empty() ? "" : problems[0].detail) << "\n";
    return 1;
}

int generate(const std::string& path) {
    Bytes reshuffle(32);
    Bytes rekey(32);
    if (RAND_bytes(reshuffle.data(), 32) != 1 || RAND_bytes(rekey.data(), 32) != 1) {
        std::cerr << "eenplan-keys: no randomness\n";
        return 1;
    }
    const Bytes y = p256::Scalar::random().to_bytes();
    auto keys = PolymorphicMasterKeys::from_bytes(y, reshuffle, rekey);
    if (!keys) return fail("generate", keys.problems());
    std::string text = service::master_keys_yaml(y, reshuffle, rekey);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        std::cerr << "eenplan-keys: cannot create " << path << " (it must not exist yet)\n";
        return 1;
    }
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    OPENSSL_cleanse(text.data(), text.size());
    if (!written) return 1;
    std::cout << hex_encode(keys->public_key().to_bytes()) << "\n";
    return 0;
}

// A recipient decrypts what the key server converted for its domain: each line of standard input
// is one encryption; each line of output its pseudonym, or "-" for a line it cannot open (not for
// this domain, malformed), so that output lines stay in step with input lines.
int decrypt_lines(const std::string& key_file, const std::string& domain) {
    auto text = service::read_secret_file(key_file, key_file);
    if (!text) return fail(key_file, text.problems());
    auto bytes = hex_decode(text.value());
    OPENSSL_cleanse(text->data(), text->size());
    if (!bytes) return fail(key_file, {Problem{"", "must hold the recipient key as hex"}});
    auto key = RecipientKey::from_bytes(domain, *bytes, key_file);
    OPENSSL_cleanse(bytes->data(), bytes->size());
    if (!key) return fail(key_file, key.problems());
    int failed = 0;
    for (std::string line; std::getline(std::cin, line);) {
        if (line.empty()) continue;
        auto ciphertext = PolymorphicCiphertext::parse(line, key->public_key(), "stdin");
        auto pseudonym = ciphertext ? decrypt(key.value(), ciphertext.value()) : Result<std::string>(Problems{});
        if (!ciphertext || !pseudonym) {
            std::cout << "-\n";
            ++failed;
            continue;
        }
        std::cout << pseudonym.value() << "\n";
    }
    return failed == 0 ? 0 : 1;
}

}  // namespace

int days_or(const std::vector<std::string>& args, std::size_t at, int fallback) {
    if (args.size() <= at) return fallback;
    try {
        const int days = std::stoi(args[at]);
        return days > 0 && days <= 36500 ? days : -1;
    } catch (const std::exception&) {
        return -1;
    }
}

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage();
    const std::string& command = args[0];
    if (args.size() == 1 && (command == "--help" || command == "-h" || command == "help")) return usage(std::cout, 0);
    if (command == "ca" && (args.size() == 4 || args.size() == 5)) {
        const int days = days_or(args, 4, 3650);
        if (days < 0) return usage();
        const std::string error = keytool::make_ca(args[1], args[2], args[3], days);
        if (!error.empty()) std::cerr << "eenplan-keys: " << error << "\n";
        return error.empty() ? 0 : 1;
    }
    if (command == "client-certificate" && (args.size() == 6 || args.size() == 7)) {
        const int days = days_or(args, 6, 397);
        if (days < 0) return usage();
        std::string fingerprint;
        const std::string error =
            keytool::issue_client_certificate(args[1], args[2], args[3], args[4], args[5], days, fingerprint);
        if (!error.empty()) {
            std::cerr << "eenplan-keys: " << error << "\n";
            return 1;
        }
        std::cout << fingerprint << "\n";
        return 0;
    }
    if ((command == "revoke" && (args.size() == 5 || args.size() == 6)) ||
        (command == "crl" && (args.size() == 4 || args.size() == 5))) {
        const bool revoke = command == "revoke";
        const int days = days_or(args, revoke ? 5 : 4, 30);
        if (days < 0) return usage();
        const std::string error = keytool::write_crl(args[1], args[2], args[3], revoke ? args[4] : "", days);
        if (!error.empty()) std::cerr << "eenplan-keys: " << error << "\n";
        return error.empty() ? 0 : 1;
    }
    if (command == "generate" && args.size() == 2) return generate(args[1]);
    if ((command == "public-key" && args.size() == 2) ||
        (command == "recipient-key" && (args.size() == 3 || args.size() == 4))) {
        const int version = days_or(args, 3, 1);  // 1 to 36500, like a number of days
        if (version < 0) return usage();
        auto master = service::load_master_keys(args[1]);
        if (!master) return fail(args[1], master.problems());
        if (command == "public-key") {
            std::cout << hex_encode(master->public_key().to_bytes()) << "\n";
        } else {
            std::cout << hex_encode(RecipientKey::issue(master.value(), args[2], static_cast<std::uint32_t>(version))
                                        .to_bytes())
                      << "\n";
        }
        return 0;
    }
    if (command == "decrypt" && args.size() == 3) return decrypt_lines(args[1], args[2]);
    if (command == "encrypt" && args.size() == 3) {
        const auto key_bytes = hex_decode(args[1]);
        if (!key_bytes) return fail("public key", {Problem{"", "must be hex"}});
        auto key = PolymorphicPublicKey::from_bytes(*key_bytes, "");
        if (!key) return fail("public key", key.problems());
        if (args[2] != "bsn" && args[2] != "onderwijsnummer") return usage();
        std::string digits;
        std::getline(std::cin, digits);
        auto number = PersonNumber::parse(args[2] == "bsn" ? PersonNumberKind::bsn : PersonNumberKind::onderwijsnummer,
                                          digits, "stdin");
        OPENSSL_cleanse(digits.data(), digits.size());
        if (!number) return fail("number", number.problems());
        std::cout << encrypt_at_source(key.value(), number.value()).to_string() << "\n";
        return 0;
    }
    return usage();
}

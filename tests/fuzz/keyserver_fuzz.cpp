// The key server's POST /v1/convert body: bounded JSON -> members -> domain shape -> each entry an
// encryption under the master public key. Whatever comes in, a value or problems, never a crash.
#include "eenplan/core/polymorphic.hpp"
#include "fuzz_input.hpp"
#include "keyserver/conversion_request.hpp"

namespace {

// A fixed public key (2·G): parsing never needs the secret, and the seeds are encryptions under it.
const eenplan::PolymorphicPublicKey& public_key() {
    static const auto key =
        eenplan::PolymorphicPublicKey::from_bytes(
            eenplan::hex_decode("037cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978").value(), "")
            .value();
    return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)eenplan::keyserver::parse_conversion(eenplan::fuzz::text(data, size), 100, public_key());
    return 0;
}

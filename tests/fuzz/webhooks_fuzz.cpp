// The Standard Webhooks secret parser and verifier: secret, id, timestamp, signature, body.
#include "eenplan/core/standard_webhooks.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace eenplan;
    const auto f = fuzz::fields(data, size, 5);
    (void)webhooks::parse_secret(f[0]);
    static const std::vector<Bytes> secrets{webhooks::parse_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").value()};
    (void)webhooks::verify(secrets, {f[1], f[2], f[3]}, f[4], 1614265330, 300);
    return 0;
}

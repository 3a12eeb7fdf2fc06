// Admin token authentication over any Authorization header value.
#include "fuzz_input.hpp"
#include "http/admin_auth.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const eenplan::service::AdminAuth auth{std::string("fuzz-admin-secret-of-at-least-32-characters")};
    (void)auth.authenticate(eenplan::fuzz::text(data, size), eenplan::service::AdminAccess::write, 1'800'000'000);
    return 0;
}

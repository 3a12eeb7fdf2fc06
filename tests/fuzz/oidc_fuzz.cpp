// The console's sign-in parsers of outside input (console_auth/): the first byte picks one —
// 0 the login body, 1 a callback query, 2 a discovery document, 3 a JWKS, 4 an ID token against a
// fixed JWKS (RS256 and ES256 keys; the seeds hold tokens they sign), 5 a token endpoint answer,
// 6 a JWKS and an ID token (fields split at 0x1F).
#include "console_auth/login_request.hpp"
#include "console_auth/oidc_token.hpp"
#include "fuzz_input.hpp"

namespace {

const char* const fixed_jwks =
    R"jwks({"keys":[{"kty":"RSA","n":"oykOfiMB04EWQX-8mSJ3OTapbF0JdZtet5iZw-2IT83l_IXIPBxg8ZUM6QGwic8k7hcqrp8SS9fXU2CwJt5QDXdUhQvPYx6ibGU7lxCvnn2uV-rHzw-6RA30SzkHONzyrd12VbhdX_X-A20Qz7LataQYf06yJ1m6mMJ2hjHrbzukgXUNvja7ZujxReLAjNWWAe-v-wtJnNQpbBBTkjActa8PoHlj5_h_ep8hFClfVOOk18AOAEsrnVE7o987wxT93_5r4Y3g5oYlf9awp3d7Rgpdwyylhmwg0llQ_uvOS958rfpVusqJIRq0EQrvCEQzq7_Q5YfwWR0fAjP6WRB8CQ","e":"AQAB","kid":"r1","use":"sig","alg":"RS256"},{"kty":"EC","x":"OvKvq9oTpA4KaHneYopcEV6f0ifc0hoZ0HdUZXzx8Pg","y":"pbw5HqGYeOVPFYR4KIXl-Rld8S7LljmM_pSqj-70dyc","crv":"P-256","kid":"e1","use":"sig","alg":"ES256"}]})jwks";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace eenplan::service;
    if (size == 0) return 0;
    const std::string input = eenplan::fuzz::text(data + 1, size - 1);
    const oidc::IdTokenRules rules{"https://idp.example", "eenplan", "n0nce", 1'800'000'100};
    switch (data[0] % 7) {
        case 0: (void)parse_login_request(input); break;
        case 1: (void)oidc::form_decode(input); break;
        case 2: (void)oidc::parse_discovery(input, "https://idp.example"); break;
        case 3: (void)oidc::parse_jwks(input); break;
        case 4: {
            static const oidc::Jwks keys = oidc::parse_jwks(fixed_jwks).value();
            (void)oidc::token_key_id(input);
            (void)oidc::verify_id_token(input, keys, rules);
            break;
        }
        case 5: (void)oidc::parse_token_response(input); break;
        case 6: {
            const auto parts = eenplan::fuzz::fields(data + 1, size - 1, 2);
            const auto keys = oidc::parse_jwks(parts[0]);
            if (keys) (void)oidc::verify_id_token(parts[1], keys.value(), rules);
            break;
        }
    }
    return 0;
}

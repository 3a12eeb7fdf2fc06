// Identity parsing: person numbers of both kinds and polymorphic ciphertexts ("pp1:...").
#include "eenplan/core/person_number.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace eenplan;
    const std::string text = fuzz::text(data, size);
    (void)PersonNumber::parse(PersonNumberKind::bsn, text, "/bsn");
    (void)PersonNumber::parse(PersonNumberKind::onderwijsnummer, text, "/onderwijsnummer");
    (void)passes_bsn_elfproef(text);
    if (const auto c = PolymorphicCiphertext::parse(text, "/polymorphic")) (void)c->to_string();
    return 0;
}

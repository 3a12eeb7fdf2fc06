// Linkage normalisation and the CLK encoder over arbitrary (often invalid UTF-8) attributes.
#include "eenplan/core/linkage/attributes.hpp"
#include "eenplan/core/linkage/clk.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace eenplan;
    static const linkage::ClkEncoder encoder(VersionedKey(1, Bytes(32, 7)));
    const auto f = fuzz::fields(data, size, 4);
    const linkage::LinkageAttributes attributes{f[0], f[1], f[2], f[3]};
    (void)encoder.encode(attributes);
    (void)linkage::fold_text(f[0]);
    return 0;
}

// Result<T>: a value or every problem found while producing it. Parsing and validation at the
// edges return this instead of throwing, so a handler can report all problems in one answer.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace eenplan {

// One thing wrong with an input, located by a JSON Pointer (RFC 6901) into that input.
// `detail` must never contain the offending value when it may be personal data.
struct Problem {
    std::string pointer;
    std::string detail;

    friend bool operator==(const Problem&, const Problem&) = default;
};

using Problems = std::vector<Problem>;

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}                      // NOLINT(google-explicit-constructor)
    Result(Problems problems) : state_(std::move(problems)) {}         // NOLINT(google-explicit-constructor)
    Result(Problem problem) : state_(Problems{std::move(problem)}) {}  // NOLINT(google-explicit-constructor)

    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    [[nodiscard]] const Problems& problems() const { return std::get<1>(state_); }

private:
    std::variant<T, Problems> state_;
};

}  // namespace eenplan

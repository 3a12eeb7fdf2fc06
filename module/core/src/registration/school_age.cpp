// The school-age window from a birth year: see school_age.hpp.
#include "eenplan/core/registration/school_age.hpp"

#include <chrono>

namespace eenplan::registration {

bool may_be_of_school_age(int birth_year, routeboek::Day day) {
    namespace chrono = std::chrono;
    const routeboek::Day first{chrono::year{birth_year + 5} / chrono::February / 1};
    const routeboek::Day final_day{chrono::year{birth_year + 18} / chrono::December / 31};
    return first <= day && day <= final_day;
}

}  // namespace eenplan::registration

// The school-age window from a birth year alone. The Leerplichtwet 1969 makes a child leerplichtig
// from the first school day of the month after its fifth birthday (art. 3), volledig leerplichtig
// until the end of the school year in which it turns 16 (art. 4), and kwalificatieplichtig after
// that until it turns 18 or has a startkwalificatie (art. 4a). Absoluut verzuim concerns both. With
// the year only, the window is taken as wide as any birth date in that year allows, so that no
// child who may be of compulsory school age is left out: from 1 February of year + 5 (born
// 1 January) until 31 December of year + 18 (born 31 December). A startkwalificatie is not known
// to the hub, so it never shortens the window.
#pragma once

#include "eenplan/core/routeboek/calendar.hpp"

namespace eenplan::registration {

// Whether a child born in `birth_year` can be leerplichtig or kwalificatieplichtig on `day`.
bool may_be_of_school_age(int birth_year, routeboek::Day day);

}  // namespace eenplan::registration

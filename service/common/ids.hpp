// Random ids for rows, tasks, correlation ids and instances: one generator for the whole service.
#pragma once

#include <string>

namespace eenplan::service {

// A random (version 4) UUID in its canonical text form, e.g. "3f0c...-...".
std::string new_uuid();

}  // namespace eenplan::service

// Random ids for rows, tasks, correlation ids and instances: one generator for the whole service.
#pragma once

#include <string>
#include <string_view>

namespace eenplan::service {

// A random (version 4) UUID in its canonical text form, e.g. "3f0c...-...".
std::string new_uuid();

// Whether `id` has the shape of an id the hub made: a UUID in canonical lower-case form. A path
// segment or query value can hold anything a caller typed (a number, a name); only this shape is
// kept where ids are recorded (the audit trail).
bool is_hub_id(std::string_view id);

}  // namespace eenplan::service

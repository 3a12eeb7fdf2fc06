// Ids for rows, tasks, correlation ids and instances: one generator for the whole service.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace eenplan::service {

// A new id in canonical UUID text form, e.g. "019ad4c2-...": a time-ordered (version 7, RFC 9562)
// UUID, 48 bits of Unix milliseconds then 74 random bits from the kernel's CSPRNG (getrandom).
// Ids made later sort later, so a primary key of new rows grows at the right edge of its B-tree
// instead of touching a random leaf per insert (docs/benchmarks/ingest.md, "Growth"). The id stays
// opaque and unguessable (74 random bits); it tells the millisecond it was made, which for every
// id the hub hands out (signals, pupils, tasks, deliveries, correlation ids) is a time the row
// already carries and the receiver already knows within seconds.
std::string new_uuid();

// The same for a given time (milliseconds since the Unix epoch): for tests.
std::string new_uuid_at(std::uint64_t unix_ms);

// Whether `id` has the shape of an id the hub made: a UUID in canonical lower-case form. A path
// segment or query value can hold anything a caller typed (a number, a name); only this shape is
// kept where ids are recorded (the audit trail). Ids made before version 7 (random, version 4)
// have the same shape.
bool is_hub_id(std::string_view id);

}  // namespace eenplan::service

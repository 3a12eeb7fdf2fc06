// Typed reading of a routeboek scenario document (schemas/routeboek/scenario.schema.json) that its
// schema has accepted: the family, the signals and the expectations, with the dates checked. The
// signals themselves are decoded by the caller's `decode` (the service checks each against the
// signal schema and reads it with the one signal codec, as ingest does), so this library needs no
// JSON codec. Every problem names its JSON pointer.
#pragma once

#include <functional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "eenplan/core/result.hpp"
#include "eenplan/core/routeboek/scenario.hpp"

namespace eenplan::readers {

// One signal of the document (its `signals/N/signal` node, the pointer to it) → the typed signal.
using SignalDecoder = std::function<Result<Signal>(const YAML::Node& signal, const std::string& pointer)>;

// A value the schema lets through but the typed scenario cannot hold is a problem, never thrown.
Result<routeboek::Scenario> read_scenario(YAML::Node root, const SignalDecoder& decode);

}  // namespace eenplan::readers
